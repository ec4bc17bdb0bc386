/// munmap, madvise(MADV_DONTNEED), mprotect and NUMA hinting: PTE changes batched in an
/// `mmu_gather`, one flush at the end, frames freed only after it.
///
/// Follows `__vm_munmap()` -> `do_vmi_align_munmap()` -> `unmap_region()` (mm/mmap.c),
/// `madvise_dontneed_single_vma()` -> `zap_page_range_single()` (mm/madvise.c, mm/memory.c),
/// `do_mprotect_pkey()` -> `change_protection()` (mm/mprotect.c, 5.19+ with an mmu_gather),
/// `task_numa_work()` -> `change_prot_numa()` (kernel/sched/fair.c, mm/mempolicy.c), and
/// `tlb_gather_mmu()` / `tlb_finish_mmu()` (mm/mmu_gather.c), as of Linux 6.6. Under the
/// `rfc15` schemes each page table ends with RFC 15's `tlb_end_ptes()`.
extension World {
    mutating func stepPTEBatch(_ cpu: Int, _ call: inout PTEBatchCall) -> StepOutcome {
        let name = call.kind.syscallName
        switch call.pc {
        case .lockMmap:
            touch(.mmapLock(mm: call.mm), write: true)
            if case .munmap = call.kind,
                !(call.range.start..<call.range.end).contains(where: { state.mms[call.mm].vmas[$0] != nil })
            {
                // do_vmi_munmap(): `vma = vma_find(vmi, end); if (!vma) return 0;` with the lock
                // taken and dropped again: no VMA, nothing to unmap, no mmu_gather.
                if isTracing { note(cpu, name, "no VMA in \(call.range): returns 0") }
                if !call.holdsMmapLock { finishOperation(call.thread) }
                return .ret(shared: true)
            }
            // mmap_write_lock_killable() (munmap, mprotect) / mmap_read_lock() (madvise); the
            // VMA changes below are made under the lock, so they share its step.
            if call.holdsMmapLock {
                // mremap's do_vmi_munmap(..., unlock = false): its caller holds the lock.
            } else if call.kind.takesMmapLockForWrite {
                state.mms[call.mm].mmapLock.isWriteLocked = true
            } else {
                state.mms[call.mm].mmapLock.readers += 1
            }
            switch call.kind {
            case .munmap:
                // do_vmi_align_munmap(): detach the VMAs before unmapping.
                touch(.vmas(mm: call.mm), write: true)
                let unmapped = (call.range.start..<call.range.end).filter { state.mms[call.mm].vmas[$0] != nil }
                for page in call.range.start..<call.range.end { state.mms[call.mm].vmas[page] = nil }
                dropHugeEligibility(mm: call.mm, range: call.range, keepingWhole: false)
                freePageTables(of: unmapped, in: &call)
                call.pc = call.holdsMmapLock ? .gather : .downgrade
            case .mprotect(let prot):
                // mprotect_fixup(): new vm_page_prot for the VMAs in the range.
                touch(.vmas(mm: call.mm), write: true)
                for page in call.range.start..<call.range.end where state.mms[call.mm].vmas[page] != nil {
                    state.mms[call.mm].vmas[page] = prot
                }
                dropHugeEligibility(mm: call.mm, range: call.range, keepingWhole: true)
                call.pc = .gather
            case .madviseDontNeed, .numaHint:
                call.pc = .gather
            }
            if isTracing {
                let lock = call.kind.takesMmapLockForWrite ? "write" : "read"
                let held = call.holdsMmapLock ? "do_vmi_munmap, mmap_lock held" : "mmap_\(lock)_lock"
                note(cpu, name, "\(held)(\(scenario.mmName(call.mm))) \(call.range)")
            }
            return .shared
        case .downgrade:
            touch(.mmapLock(mm: call.mm), write: true)
            // do_vmi_align_munmap(): mmap_write_downgrade() before unmap_region().
            state.mms[call.mm].mmapLock.isWriteLocked = false
            state.mms[call.mm].mmapLock.readers += 1
            if isTracing { note(cpu, name, "mmap_write_downgrade") }
            call.pc = .gather
            return .shared
        case .gather:
            touch(.flushPending(mm: call.mm), write: true)
            // tlb_gather_mmu() -> inc_tlb_flush_pending(mm).
            state.mms[call.mm].tlbFlushPending += 1
            if isTracing {
                note(
                    cpu, "tlb_gather_mmu",
                    "inc_tlb_flush_pending(\(scenario.mmName(call.mm))) = \(state.mms[call.mm].tlbFlushPending)")
            }
            call.pc = .lockPTL(table: state.mms[call.mm].table(of: call.range.start))
            return .shared
        case .lockPTL(let table):
            // zap_pte_range() / change_pte_range(): pte_offset_map_lock() of one PTE page; a
            // huge PMD first (zap_pmd_range(), change_pmd_range()): pmd_lock() for a whole one,
            // __split_huge_pmd() for one the range covers in part, then the PTE page's lock.
            touch(.ptl(mm: call.mm, table: table), write: true)
            let pages = state.mms[call.mm].pages(inTable: table).clamped(to: call.range.start..<call.range.end)
            var next = PTEBatchCall.PC.batchedPending(table: table)
            if state.mms[call.mm].isHuge(table: table) {
                guard coversWholePMD(table: table, pages: pages, in: call) else {
                    return splitFirst(
                        cpu, mm: call.mm, table: table, thread: call.thread, op: call.op, function: name,
                        why: "huge PMD of table \(table) covered in part: split it")
                }
                next = .hugePMD(table: table)
            }
            state.mms[call.mm].ptlOwners[table] = cpu
            coverRevocations(mm: call.mm, pages: pages, thread: call.thread)
            if isTracing { note(cpu, name, "spin_lock(ptl of table \(table))") }
            call.pc = next
            return .shared
        case .hugePMD(let table):
            changeHugePMD(cpu, table: table, call: &call)
            call.pc = endOfTable(table, in: call)
            return .shared
        case .batchedPending(let table):
            // flush_tlb_batched_pending(mm), first thing under the PTL (zap_pte_range(),
            // change_pte_range()): reclaim may have cleared PTEs here with its flush still batched.
            guard let seen = batchedFlushToRun(cpu, mm: call.mm) else {
                call.pc = nextChange(after: nil, table: table, in: call)
                return .shared
            }
            call.batchedSeen = seen
            call.pc = .batchedFlushed(table: table)
            return invoke(cpu, .flushTLBMMRange(.wholeMM(call.mm)), shared: true)
        case .batchedFlushed(let table):
            storeBatchedFlushed(cpu, mm: call.mm, seen: call.batchedSeen)
            call.pc = nextChange(after: nil, table: table, in: call)
            return .shared
        case .change(let page):
            changePTE(cpu, page: page, call: &call)
            let table = state.mms[call.mm].table(of: page)
            call.pc = nextChange(after: page, table: table, in: call)
            return .shared
        case .readDeferGen(let table):
            // RFC 15 read_defer_tlb_flush_gen(): smp_mb__after_atomic(); mm_gen = atomic64_read(&mm->tlb_gen);
            touch(.tlbGen(mm: call.mm), write: false)
            let mmGen = state.mms[call.mm].tlbGen
            let bumps = scheme.bumpsDeferredGeneration(mmTLBGen: mmGen, deferGen: call.deferGen)
            call.pc = bumps ? .incDeferGen(table: table) : .storeDeferGen(table: table)
            if isTracing {
                note(
                    cpu, "read_defer_tlb_flush_gen",
                    "mm_gen \(mmGen), defer_gen \(call.deferGen): \(bumps ? "inc_mm_tlb_gen" : "no bump")")
            }
            return .shared
        case .incDeferGen(let table):
            // tlb->defer_gen = inc_mm_tlb_gen(mm);
            touch(.tlbGen(mm: call.mm), write: true)
            state.mms[call.mm].tlbGen += 1
            call.deferGen = state.mms[call.mm].tlbGen
            if isTracing { note(cpu, "read_defer_tlb_flush_gen", "defer_gen = inc_mm_tlb_gen = \(call.deferGen)") }
            call.pc = .storeDeferGen(table: table)
            return .shared
        case .storeDeferGen(let table):
            // store_deferred_tlb_gen(): atomic max of vma->defer_tlb_gen, for the VMAs whose
            // PTEs this page table holds.
            touch(.flushPending(mm: call.mm), write: true)
            let pages = state.mms[call.mm].pages(inTable: table).clamped(to: call.range.start..<call.range.end)
            for page in pages {
                let vma = Int(state.mms[call.mm].vmaIndex[page])
                state.mms[call.mm].deferTLBGen[vma] = max(state.mms[call.mm].deferTLBGen[vma], call.deferGen)
            }
            call.clearedInTable = false
            if isTracing { note(cpu, "store_deferred_tlb_gen", "vma->defer_tlb_gen >= \(call.deferGen)") }
            // The scheme records this page table's range under its generation (the ring).
            S.publish(
                PublishedFlush(
                    mm: call.mm, gen: call.deferGen, range: PageRange(pages.lowerBound, pages.upperBound),
                    freedTables: false),
                in: &self, cpu: cpu)
            call.pc = .unlockPTL(table: table)
            return .shared
        case .unlockPTL(let table):
            touch(.ptl(mm: call.mm, table: table), write: true)
            state.mms[call.mm].ptlOwners[table] = nil
            let lastTable = state.mms[call.mm].table(of: call.range.end - 1)
            if table < lastTable {
                call.pc = .lockPTL(table: table + 1)
                if isTracing { note(cpu, name, "spin_unlock(ptl of table \(table))") }
                return .shared
            }
            // free_pgtables(), after the zap: pmd_clear() unhooks the tables it frees.
            unhookPageTables(mm: call.mm, tables: call.tablesToFree)
            if isTracing {
                note(
                    cpu, name,
                    "spin_unlock(ptl of table \(table))\(call.gather.freedTables ? "; free_pgtables: freed_tables = 1" : "")"
                )
            }
            call.pc = .finish
            return .shared
        case .finish:
            return finishMMU(cpu, &call)
        case .tlbFlush:
            return tlbFlushWithDeferredGeneration(cpu, &call)
        case .free:
            // tlb_flush_mmu_free(): the pages go back to the allocator only after the flush.
            for frame in state.cpus[cpu].gatherFrames { freeFrame(frame) }
            releasePageTables(mm: call.mm, tables: call.tablesToFree)
            if isTracing {
                let tables = (0..<Scenario.maxFreeablePageTables).filter { call.tablesToFree & 1 << UInt64($0) != 0 }
                note(
                    cpu, "tlb_finish_mmu",
                    "free frames \(state.cpus[cpu].gatherFrames.map(String.init).joined(separator: ","))"
                        + (tables.isEmpty ? "" : ", page tables \(tables.map(String.init).joined(separator: ","))"))
            }
            state.cpus[cpu].gatherFrames = []
            call.tablesToFree = 0
            call.pc = .decPending
            return .shared
        case .decPending:
            call.pc = .unlockMmap
            if call.isPendingDropped { return .next }
            decrementFlushPending(cpu, &call)
            return .shared
        case .unlockMmap:
            // Back to mremap's move_vma(), which still holds the lock and returns to user itself.
            if call.holdsMmapLock { return .ret(shared: false) }
            touch(.mmapLock(mm: call.mm), write: true)
            if case .mprotect = call.kind {
                state.mms[call.mm].mmapLock.isWriteLocked = false
            } else {
                state.mms[call.mm].mmapLock.readers -= 1
            }
            if case .numaHint = call.kind {
                // task_numa_work() is no system call: nobody relies on its return. Its
                // revocations come due when migration copies the page or the frame is freed.
                if isTracing { note(cpu, name, "mmap_read_unlock") }
            } else {
                if isTracing { note(cpu, name, "mmap_unlock; returns to user") }
                reachCoherencePoint(of: call)
            }
            finishOperation(call.thread)
            return .ret(shared: true)
        }
    }

    /// The read of `flush_tlb_batched_pending(mm)` (mm/rmap.c, 6.6): `mm->tlb_flush_batched`,
    /// and whether reclaim's batched flush may be outstanding (then the caller runs
    /// `flush_tlb_mm()` and ``storeBatchedFlushed(_:mm:seen:)`` with the value returned).
    mutating func batchedFlushToRun(_ cpu: Int, mm: Int) -> TLBFlushBatched? {
        touch(.flushBatched(mm: mm), write: false)
        let batched = state.mms[mm].tlbFlushBatched
        guard scheme.flushesBatchedPending(batched) else {
            if isTracing {
                note(cpu, "flush_tlb_batched_pending", "tlb_flush_batched \(batched.pending)/\(batched.flushed)")
            }
            return nil
        }
        if isTracing {
            note(
                cpu, "flush_tlb_batched_pending",
                "tlb_flush_batched pending \(batched.pending) != flushed \(batched.flushed): flush_tlb_mm")
        }
        return batched
    }

    /// After `flush_tlb_batched_pending()`'s flush: `atomic_cmpxchg(&mm->tlb_flush_batched, batch,
    /// pending | (pending << 16))`, "If the new TLB flushing is pending during flushing, leave
    /// mm->tlb_flush_batched as is".
    mutating func storeBatchedFlushed(_ cpu: Int, mm: Int, seen: TLBFlushBatched) {
        touch(.flushBatched(mm: mm), write: true)
        if state.mms[mm].tlbFlushBatched == seen { state.mms[mm].tlbFlushBatched.flushed = seen.pending }
        if isTracing {
            let now = state.mms[mm].tlbFlushBatched
            note(cpu, "flush_tlb_batched_pending", "tlb_flush_batched = \(now.pending)/\(now.flushed)")
        }
    }

    /// `dec_tlb_flush_pending()`.
    mutating func decrementFlushPending(_ cpu: Int, _ call: inout PTEBatchCall) {
        touch(.flushPending(mm: call.mm), write: true)
        state.mms[call.mm].tlbFlushPending -= 1
        call.isPendingDropped = true
        if isTracing {
            note(
                cpu, "tlb_finish_mmu",
                "dec_tlb_flush_pending(\(scenario.mmName(call.mm))) = \(state.mms[call.mm].tlbFlushPending)")
        }
    }

    /// Where a page table's PTL section ends: RFC 15's `tlb_end_ptes()` first when the scheme
    /// tracks deferred generations and a PTE of this table needs a flush, then the unlock.
    func endOfTable(_ table: Int, in call: PTEBatchCall) -> PTEBatchCall.PC {
        scheme.takesGenerationPerTable(call.kind) && call.clearedInTable
            ? .readDeferGen(table: table) : .unlockPTL(table: table)
    }

    /// The next PTE of the range in page-table page `table` that the call must change, or
    /// unlocking that table when none is left. Under the PTL no other CPU changes these PTEs,
    /// so skipping `pte_none()` ones (munmap, madvise) and non-present ones (mprotect) reads
    /// nothing another CPU could change.
    func nextChange(after page: Int?, table: Int, in call: PTEBatchCall) -> PTEBatchCall.PC {
        let mm = state.mms[call.mm]
        let tablePages = mm.pages(inTable: table)
        let first = max(page.map { $0 + 1 } ?? call.range.start, call.range.start, tablePages.lowerBound)
        let last = min(call.range.end, tablePages.upperBound)
        for next in first..<max(first, last) {
            let pte = mm.ptes[next]
            switch call.kind {
            case .munmap, .madviseDontNeed:
                if pte.isSet { return .change(page: next) }
            case .mprotect:
                // change_pte_range(): `if (pte_present(oldpte))`, which includes PROT_NONE.
                if pte.isPresent || pte.isProtNone { return .change(page: next) }
            case .numaHint:
                // change_pte_range() with MM_CP_PROT_NUMA: "Avoid trapping faults against the
                // zero or KSM pages" and skip PTEs already PROT_NONE.
                if pte.isPresent && !pte.isProtNone { return .change(page: next) }
            }
        }
        return endOfTable(table, in: call)
    }

    /// One PTE under the PTL: `ptep_get_and_clear_full()` + `tlb_remove_tlb_entry()` +
    /// `__tlb_remove_page()` (zap_pte_range), or `ptep_modify_prot_start/commit()` +
    /// `tlb_flush_pte_range()` when `pte_needs_flush()` (change_pte_range).
    mutating func changePTE(_ cpu: Int, page: Int, call: inout PTEBatchCall) {
        let old = state.mms[call.mm].ptes[page]
        touch(.page(mm: call.mm, page: page), write: true)
        switch call.kind {
        case .munmap, .madviseDontNeed:
            state.mms[call.mm].ptes[page] = .none
            if let frame = old.frame { state.cpus[cpu].gatherFrames.append(frame) }
            call.gather.add(page: page)
            call.clearedInTable = true
            openRevocation(mm: call.mm, page: page, removesTranslation: true, thread: call.thread, op: call.op)
            if isTracing {
                note(cpu, call.kind.syscallName, "ptep_get_and_clear(\(page)) was frame \(old.frame ?? -1)")
            }
        case .mprotect(let prot):
            let new = protected(old, prot)
            state.mms[call.mm].ptes[page] = new
            if changeNeedsFlush(from: old, to: new, page: page, call: call) {
                call.gather.add(page: page)
                call.clearedInTable = true
            }
            if isTracing { note(cpu, "mprotect", "change_pte_range(\(page)) -> \(prot)") }
        case .numaHint:
            // change_pte_range() with MM_CP_PROT_NUMA: "Also skip shared copy-on-write pages"
            // (page_count(page) != 1 of a COW mapping, mm/mprotect.c 6.6).
            touch(.frame(old.frame!), write: false)
            if state.frames.isShared(old.frame!) {
                if isTracing { note(cpu, "change_prot_numa", "page \(page) is shared copy-on-write: skipped") }
                return
            }
            // ptep_modify_prot_start/commit() with pte_modify(oldpte, PAGE_NONE): the frame
            // stays, the hardware can no longer use the PTE, and the write bit goes (6.3+ keeps
            // no "savedwrite": do_numa_page() asks can_change_pte_writable() instead);
            // pte_needs_flush() (PRESENT cleared) adds the page.
            state.mms[call.mm].ptes[page].isPresent = false
            state.mms[call.mm].ptes[page].isProtNone = true
            state.mms[call.mm].ptes[page].isWritable = false
            call.gather.add(page: page)
            call.clearedInTable = true
            openRevocation(mm: call.mm, page: page, removesTranslation: true, thread: call.thread, op: call.op)
            if isTracing { note(cpu, "change_prot_numa", "change_pte_range(\(page)) -> PROT_NONE (flush deferred)") }
        }
    }

    /// `pte_modify(oldpte, newprot)` (and `pmd_modify()`): present unless PROT_NONE, and a
    /// private mapping's `vm_page_prot` has no write bit (PAGE_COPY): `MM_CP_TRY_CHANGE_WRITABLE`
    /// grants it only where `can_change_pte_writable()` finds the page exclusive to this
    /// mapping, never on a page shared copy-on-write since fork (its first write must copy). 6.6
    /// asks PageAnonExclusive, cleared at fork until a write fault reuses the page; the model
    /// asks whether another mapping still holds the frame (the same answer but after the other
    /// mapping went and before that write fault: a fault fewer, no flush). `isExclusive`: the
    /// answer for a huge PMD, asked of its whole folio; else of `old`'s frame.
    mutating func protected(_ old: PTE, _ prot: Protection, isExclusive: Bool? = nil) -> PTE {
        var new = old
        new.isPresent = prot != .none
        new.isProtNone = prot == .none
        if let frame = old.frame { touch(.frame(frame), write: false) }
        let exclusive = isExclusive ?? !(old.frame.map(state.frames.isShared) ?? false)
        new.isWritable = prot == .write && scheme.grantsWrite(isExclusive: exclusive)
        return new
    }

    /// The ghost revocation a protection change of `page` opens (the translation gone, or its
    /// write), and x86's `pte_needs_flush()` / `huge_pmd_needs_flush()`: PRESENT cleared, or
    /// RW changed in either direction.
    mutating func changeNeedsFlush(from old: PTE, to new: PTE, page: Int, call: PTEBatchCall) -> Bool {
        if old.isPresent && !new.isPresent {
            openRevocation(mm: call.mm, page: page, removesTranslation: true, thread: call.thread, op: call.op)
        } else if old.isWritable && !new.isWritable {
            openRevocation(mm: call.mm, page: page, removesTranslation: false, thread: call.thread, op: call.op)
        }
        return old.isPresent != new.isPresent || old.isWritable != new.isWritable
    }

    /// `free_pgtables()` of munmap's `unmap_region()`, after the zap: each page-table page that
    /// held one of the `unmapped` pages' VMAs and holds no VMA now is freed (after the flush, via
    /// `tlb_remove_table()`), so the flush must reach lazy CPUs too. `pte_free_tlb()` is
    /// `tlb_flush_pmd_range(tlb, addr, PAGE_SIZE); tlb->freed_tables = 1;` with `addr` the table's
    /// first address (`free_pgd_range()` rounds it down to the PMD), so the gather's range covers
    /// the table even where the zap cleared no PTE (include/asm-generic/tlb.h, mm/memory.c, 6.6).
    ///
    /// Computed when the VMAs are detached: the munmap holds `mmap_lock` until it returns, so no
    /// VMA appears or goes in between, and only this CPU reads its gather.
    func freePageTables(of unmapped: [Int], in call: inout PTEBatchCall) {
        let space = state.mms[call.mm]
        var previous: Int?
        for table in unmapped.map(space.table(of:)) where table != previous {
            previous = table
            let pages = space.pages(inTable: table)
            guard !pages.contains(where: { space.vmas[$0] != nil }) else { continue }
            call.gather.freedTables = true
            call.gather.add(pmdRange: pages.lowerBound..<pages.lowerBound + 1)
            call.tablesToFree |= space.hookedTables & space.tableBit(table)
        }
    }

    /// `tlb_finish_mmu()`: the nested-batch rule, then `tlb_flush_mmu()` -> `tlb_flush()`
    /// (arch/x86/include/asm/tlb.h) -> `flush_tlb_mm_range()`.
    mutating func finishMMU(_ cpu: Int, _ call: inout PTEBatchCall) -> StepOutcome {
        touch(.flushPending(mm: call.mm), write: false)
        let nested = state.mms[call.mm].isFlushNested
        if nested && scheme.flushesWhenNested {
            // "flush TLB forcefully if we detect parallel PTE batching threads":
            // fullmm = 1; __tlb_reset_range(); freed_tables = 1.
            call.gather.isFullMM = true
            call.gather.freedTables = true
        }
        if scheme.freesBeforeFlush {
            for frame in state.cpus[cpu].gatherFrames { freeFrame(frame) }
            state.cpus[cpu].gatherFrames = []
            releasePageTables(mm: call.mm, tables: call.tablesToFree)
            call.tablesToFree = 0
        }
        call.pc = state.cpus[cpu].gatherFrames.isEmpty && call.tablesToFree == 0 ? .decPending : .free
        // tlb_flush_mmu_tlbonly(): nothing to flush unless PTEs were cleared or tables freed.
        guard call.gather.hasRange || call.gather.freedTables || call.gather.isFullMM else {
            if isTracing { note(cpu, "tlb_finish_mmu", "mm_tlb_flush_nested = \(nested); nothing to flush") }
            return .shared
        }
        if scheme.decrementsPendingBeforeFlush {
            // The mutant drops tlb_flush_pending here, in the same step as the nested check.
            decrementFlushPending(cpu, &call)
        }
        if scheme.keepsCompletedGeneration && call.deferGen != 0 {
            call.pc = .tlbFlush
            if isTracing { note(cpu, "tlb_finish_mmu", "mm_tlb_flush_nested = \(nested)") }
            return .shared
        }
        var flush = gatherFlush(call)
        // The ring's deferred changes took and recorded their generations already.
        if call.deferGen != 0 { flush.presetGen = call.deferGen }
        if isTracing {
            note(
                cpu, "tlb_finish_mmu",
                "mm_tlb_flush_nested = \(nested); tlb_flush -> flush_tlb_mm_range(\(describe(flush)))")
        }
        return invoke(cpu, .flushTLBMMRange(flush), shared: true)
    }

    /// x86 `tlb_flush()` (arch/x86/include/asm/tlb.h): the gather's range, or everything.
    func gatherFlush(_ call: PTEBatchCall) -> FlushTLBMMRangeCall {
        let full = call.gather.isFullMM
        var flush = FlushTLBMMRangeCall(
            mm: call.mm, start: full ? 0 : call.gather.start, end: full ? nil : call.gather.end,
            freedTables: call.gather.freedTables)
        flush.stride = call.gather.stride(ptesPerTable: state.mms[call.mm].ptesPerTable)
        return flush
    }

    /// RFC 15's x86 `tlb_flush()`: skip when a newer generation completed, else
    /// `flush_tlb_mm_range_gen()` with the gather's `defer_gen` (no new bump).
    mutating func tlbFlushWithDeferredGeneration(_ cpu: Int, _ call: inout PTEBatchCall) -> StepOutcome {
        touch(.flushPending(mm: call.mm), write: false)
        let completed = state.mms[call.mm].tlbGenCompleted
        call.pc = state.cpus[cpu].gatherFrames.isEmpty && call.tablesToFree == 0 ? .decPending : .free
        if scheme.skipsGatherFlush(deferGen: call.deferGen, completed: completed, freedTables: call.gather.freedTables)
        {
            if isTracing {
                note(cpu, "tlb_flush", "tlb_gen_completed \(completed) > defer_gen \(call.deferGen): no flush")
            }
            return .shared
        }
        var flush = gatherFlush(call)
        flush.presetGen = call.deferGen
        if isTracing {
            note(
                cpu, "tlb_flush",
                "tlb_gen_completed \(completed): flush_tlb_mm_range_gen(\(describe(flush)), \(call.deferGen))")
        }
        return invoke(cpu, .flushTLBMMRange(flush), shared: true)
    }

    func describe(_ call: FlushTLBMMRangeCall) -> String {
        let range = call.end.map { PageRange(call.start, $0).description } ?? "TLB_FLUSH_ALL"
        let stride = call.stride > 1 ? ", PMD_SHIFT" : ""
        return "\(scenario.mmName(call.mm)), \(range)\(stride)\(call.freedTables ? ", freed_tables" : "")"
    }
}
