/// User accesses: the TLB, the hardware page walk, and the anonymous fault path.
extension World {
    /// A load or store by `thread` on `cpu`, one step: the TLB lookup, on a miss the hardware
    /// page walk (the one shared read), and the access itself. An instruction is not
    /// interruptible, so walk and access are one step. A walk that finds no usable PTE raises
    /// a page fault; the access is retried after the fault path returns.
    mutating func access(cpu: Int, thread: Int, mm: Int, page: Int, write: Bool) {
        assert(state.cpus[cpu].tlbState.loadedMM == mm, "user thread runs with another mm loaded")
        let asid = state.cpus[cpu].tlbState.loadedASID
        let kind = write ? "write" : "read"
        // The walk reads the PTE; a hit reads the entry's revocation marks, which PTE changes write.
        touch(.page(mm: mm, page: page), write: false)
        // One search finds the entry, or where a fill puts it.
        let (found, at) = state.cpus[cpu].tlb.index(asid: asid, page: page)
        if found {
            let entry = state.cpus[cpu].tlb.entries[at]
            if !write || entry.isWritable {
                touch(.frame(entry.frame), write: false)
                counters.tlbHits += 1
                if !state.cpus[cpu].tlb.use(at: at) { counters.tlbL2Hits += 1 }
                counters.accesses += 1
                if isTracing { note(cpu, "user", "\(kind) page \(page): TLB hit -> frame \(entry.frame)") }
                checkUse(of: entry, cpu: cpu, thread: thread, page: page, write: write)
                finishOperation(thread)
                return
            }
            // A write through a read-only entry faults; the CPU drops the entry and re-walks.
            if entry.hugePages > 0 {
                state.cpus[cpu].tlb.invalidate(asid: asid, page: page)
            } else {
                state.cpus[cpu].tlb.remove(at: at)
            }
        }
        let pte = state.mms[mm].ptes[page]
        guard pte.permits(write: write), let frame = pte.frame else {
            if isTracing { note(cpu, "user", "\(kind) page \(page): page fault") }
            push(cpu, .fault(FaultCall(page: page, write: write, thread: thread, mm: mm)))
            return
        }
        let space = state.mms[mm]
        let isHuge = space.isHuge(page: page)
        let entry = TLBEntry(
            asid: asid, page: page, frame: frame, isWritable: pte.isWritable, mm: mm,
            hugePages: isHuge ? space.ptesPerTable : 0)
        let evicted: Bool
        if isHuge {
            evicted = fillHuge(cpu: cpu, mm: mm, asid: asid, page: page)
        } else {
            evicted = state.cpus[cpu].tlb.insert(entry, at: at)
        }
        ghostIndex?.noteFill(cpu: cpu, mm: mm, page: page, frame: frame)
        counters.tlbFills += 1
        if evicted { counters.tlbEvictions += 1 }
        counters.accesses += 1
        if isTracing {
            let huge = entry.hugePages > 0 ? " (huge PMD: pages \(describe(entry.covered)))" : ""
            note(cpu, "user", "\(kind) page \(page): TLB miss, walk fills -> frame \(frame)\(huge)")
        }
        if write {
            // The safety oracle reads whether another address space shares the frame.
            touch(.frame(frame), write: false)
            checkUse(of: entry, cpu: cpu, thread: thread, page: page, write: true)
        }
        finishOperation(thread)
    }

    /// A walk that ends at a huge PMD: one TLB entry for the whole range, kept as a group of
    /// entries, one a page, with the PMD's frames and protection (``TLBEntry/hugePages``).
    /// - Returns: whether a bounded TLB evicted an entry to make room.
    mutating func fillHuge(cpu: Int, mm: Int, asid: Int, page: Int) -> Bool {
        let space = state.mms[mm]
        var evicted = false
        for other in space.pages(inTable: space.table(of: page)) {
            let pte = space.ptes[other]
            if other != page { touch(.page(mm: mm, page: other), write: false) }
            let entry = TLBEntry(
                asid: asid, page: other, frame: pte.frame!, isWritable: pte.isWritable, mm: mm,
                hugePages: space.ptesPerTable)
            if state.cpus[cpu].tlb.fill(entry) { evicted = true }
            if other != page { ghostIndex?.noteFill(cpu: cpu, mm: mm, page: other, frame: pte.frame!) }
        }
        counters.hugeFills += 1
        return evicted
    }

    /// `do_wp_page()` -> `wp_page_copy()` of a page another address space shares since `fork()`,
    /// or of the zero page: copy it to a new frame (`alloc_zeroed_user_highpage_movable()` for
    /// the zero page), then, still under the PTL, `ptep_clear_flush()` (the old read-only
    /// translation may be cached on every CPU running this mm) before the copy is mapped
    /// writable. One step up to the flush; the install is the next.
    mutating func copyOnWrite(_ cpu: Int, _ call: inout FaultCall, old: Int) -> StepOutcome {
        counters.pageFaults += 1
        guard let copy = state.frames.allocate() else {
            if isTracing { note(cpu, "handle_mm_fault", "out of memory copying page \(call.page)") }
            call.isSegfault = true
            call.pc = .unlockMmap
            return .shared
        }
        call.oldFrame = old
        call.newFrame = copy
        let isZeroPage = old == state.frames.zeroPage
        if isZeroPage { counters.zeroPageCopies += 1 }
        let table = state.mms[call.mm].table(of: call.page)
        state.mms[call.mm].ptlOwners[table] = cpu
        state.mms[call.mm].ptes[call.page] = .none
        openRevocation(
            mm: call.mm, page: call.page, removesTranslation: true, thread: call.thread,
            op: state.threads[call.thread].pc)
        let from = isZeroPage ? "zero page" : "frame \(old)"
        call.pc = .cowInstall
        guard scheme.wpCopyFlushes(zeroPage: isZeroPage) else {
            if isTracing {
                note(cpu, "wp_page_copy", "copy \(from) -> \(copy); ptep_get_and_clear(\(call.page)), no flush")
            }
            return .shared
        }
        if isTracing { note(cpu, "wp_page_copy", "copy \(from) -> \(copy); ptep_clear_flush(\(call.page))") }
        return invoke(cpu, .flushTLBMMRange(.page(call.page, of: call.mm)), shared: true)
    }

    /// `__handle_mm_fault()` on a `pmd_none()` PMD of a huge VMA: `create_huge_pmd()` ->
    /// `do_huge_pmd_anonymous_page()` (mm/huge_memory.c, 6.6), with the huge zero page off
    /// (`transparent_hugepage/use_zero_page` 0, so a read fault allocates too): a folio of the
    /// range's pages, `mk_huge_pmd()` with `maybe_pmd_mkwrite()` (writable in a writable VMA),
    /// `set_pmd_at()` under `pmd_lock()` (the model's PTL of the table), the PTE table
    /// deposited, not hooked. Without the frames, `VM_FAULT_FALLBACK`: the PMD gets a page
    /// table and the fault goes on as `do_anonymous_page()`.
    /// - Returns: whether the huge page was mapped.
    mutating func faultHugePage(_ cpu: Int, _ call: FaultCall) -> Bool {
        let space = state.mms[call.mm]
        let table = space.table(of: call.page)
        let pages = space.pages(inTable: table)
        guard state.frames.freeCount >= pages.count else {
            state.mms[call.mm].splitTables |= space.tableBit(table)
            if isTracing { note(cpu, "do_huge_pmd_anonymous_page", "no huge page free: VM_FAULT_FALLBACK") }
            return false
        }
        let writable = space.vmas[call.page] == .write
        let frames = pages.map { _ in state.frames.allocate()! }
        for (page, frame) in zip(pages, frames) {
            touch(.page(mm: call.mm, page: page), write: true)
            state.mms[call.mm].ptes[page] = .mapping(frame, writable: writable)
        }
        state.mms[call.mm].hugeTables |= space.tableBit(table)
        counters.hugeFaults += 1
        if isTracing {
            note(
                cpu, "do_huge_pmd_anonymous_page",
                "set_pmd_at(\(PageRange(pages.lowerBound, pages.upperBound))) = frames \(frames.first!)-\(frames.last!)"
            )
        }
        return true
    }

    /// A fault on a huge PMD (`__handle_mm_fault()`, mm/memory.c and mm/huge_memory.c, 6.6):
    /// `do_huge_pmd_numa_page()` for a PROT_NONE one (the whole PMD gets `vm_page_prot` back,
    /// write only where `can_change_pmd_writable()`); `do_huge_pmd_wp_page()` for a write to a
    /// read-only one in a writable VMA: a folio no other page table maps reuses the page
    /// (`maybe_pmd_mkwrite()`), else `__split_huge_pmd()` and `VM_FAULT_FALLBACK`, and the
    /// fault goes on with the small page (`do_wp_page()`: the copy). Returns the split's call,
    /// after which the fault's step runs again, or `nil` when the fault is handled.
    ///
    /// The folio is every page of the PMD (`isExclusiveFolio(mm:pages:)`): after fork shared
    /// it, the other side's split and copy of one small page leaves the rest mapped there by
    /// PTEs, and `do_huge_pmd_wp_page()`'s "if (folio_ref_count(folio) == 1)" then falls back to
    /// a split. Reusing because the faulting page alone is no longer shared would make the whole
    /// PMD writable over frames the other address space still maps.
    mutating func hugePMDFault(_ cpu: Int, _ call: inout FaultCall, table: Int) -> StepOutcome? {
        let space = state.mms[call.mm]
        let pages = space.pages(inTable: table)
        let pte = space.ptes[call.page]
        let vma = space.vmas[call.page]
        let writable = vma == .write
        let isExclusive = isExclusiveFolio(mm: call.mm, pages: pages)
        if pte.isProtNone, vma.map({ $0 != .none }) ?? false {
            for page in pages {
                touch(.page(mm: call.mm, page: page), write: true)
                state.mms[call.mm].ptes[page].isPresent = true
                state.mms[call.mm].ptes[page].isProtNone = false
                state.mms[call.mm].ptes[page].isWritable = writable && scheme.grantsWrite(isExclusive: isExclusive)
            }
            if isTracing { note(cpu, "do_huge_pmd_numa_page", "pmd(\(describe(pages))) restored to \(vma!)") }
        } else if pte.isPresent, call.write, !pte.isWritable, writable {
            guard isExclusive else {
                return splitFirst(
                    cpu, mm: call.mm, table: table, thread: call.thread, op: state.threads[call.thread].pc,
                    function: "do_huge_pmd_wp_page", why: "page shared: __split_huge_pmd, VM_FAULT_FALLBACK")
            }
            for page in pages {
                touch(.page(mm: call.mm, page: page), write: true)
                state.mms[call.mm].ptes[page].isWritable = true
            }
            if isTracing { note(cpu, "do_huge_pmd_wp_page", "reuse: pmd(\(describe(pages))) made writable") }
        } else {
            if isTracing { note(cpu, "handle_mm_fault", "pmd(\(describe(pages))) already usable") }
        }
        return nil
    }

    /// `handle_mm_fault()` -> `do_anonymous_page()` / `do_wp_page()`, with `mmap_lock` held for
    /// reading. Allocation and the PTE update under the page-table lock are one step: the
    /// allocator takes part in no flush protocol, and the PTL makes the update atomic to every
    /// other writer (hardware walkers see the PTE before or after).
    mutating func stepFault(_ cpu: Int, _ call: inout FaultCall) -> StepOutcome {
        switch call.pc {
        case .lockMmap:
            touch(.mmapLock(mm: call.mm), write: true)
            state.mms[call.mm].mmapLock.readers += 1
            let vma = state.mms[call.mm].vmas[call.page]
            call.isSegfault = !(vma?.allows(write: call.write) ?? false)
            if isTracing {
                note(cpu, "handle_mm_fault", "mmap_read_lock; find_vma(\(call.page)): \(vma.map { "\($0)" } ?? "none")")
            }
            call.pc = call.isSegfault ? .unlockMmap : .install
            return .shared
        case .install:
            touch(.ptl(mm: call.mm, table: state.mms[call.mm].table(of: call.page)), write: true)
            touch(.page(mm: call.mm, page: call.page), write: true)
            touch(.allocator, write: true)
            // The PTE changes in place (a copy of the address space would copy its page table).
            let pte = state.mms[call.mm].ptes[call.page]
            let vma = state.mms[call.mm].vmas[call.page]
            let writable = vma == .write
            if state.mms[call.mm].isHuge(page: call.page) {
                let table = state.mms[call.mm].table(of: call.page)
                if let split = hugePMDFault(cpu, &call, table: table) { return split }
            } else if pte.frame == nil, state.mms[call.mm].faultsHuge(at: call.page), faultHugePage(cpu, call) {
                // Mapped by do_huge_pmd_anonymous_page().
            } else if pte.isMigrationEntry {
                // migration_entry_wait(): the page is being migrated; retry after it.
                if isTracing { note(cpu, "handle_mm_fault", "migration_entry_wait(\(call.page))") }
                call.pc = .unlockMmap
                return .shared
            } else if pte.frame == nil, !call.write {
                // do_anonymous_page(): "Use the zero-page for reads": pte_mkspecial() of
                // my_zero_pfn() with vm_page_prot, read-only in a private mapping.
                state.mms[call.mm].ptes[call.page] = .mapping(state.frames.zeroPage, writable: false)
                hookPageTable(mm: call.mm, page: call.page)
                counters.zeroPageMaps += 1
                if isTracing { note(cpu, "handle_mm_fault", "do_anonymous_page: pte(\(call.page)) = zero page") }
            } else if pte.frame == nil {
                guard let frame = state.frames.allocate() else {
                    // VM_FAULT_OOM: the access fails like a SIGSEGV (the scenario needs `frames`).
                    if isTracing { note(cpu, "handle_mm_fault", "out of memory at page \(call.page)") }
                    call.isSegfault = true
                    call.pc = .unlockMmap
                    return .shared
                }
                state.mms[call.mm].ptes[call.page] = .mapping(frame, writable: writable)
                hookPageTable(mm: call.mm, page: call.page)
                if isTracing { note(cpu, "handle_mm_fault", "do_anonymous_page: pte(\(call.page)) = frame \(frame)") }
            } else if pte.isProtNone, vma.map({ $0 != .none }) ?? false {
                // do_numa_page(): a NUMA hinting fault. The page stays on its node (a move is
                // `migrate`): the PTE gets the VMA's protection back, pte_modify(old, vm_page_prot),
                // and write only if can_change_pte_writable() (a fork since the hint shares the
                // frame copy-on-write: then the first write copies).
                state.mms[call.mm].ptes[call.page].isPresent = true
                state.mms[call.mm].ptes[call.page].isProtNone = false
                state.mms[call.mm].ptes[call.page].isWritable =
                    writable && scheme.grantsWrite(isExclusive: !state.frames.isShared(pte.frame!))
                if isTracing { note(cpu, "do_numa_page", "pte(\(call.page)) restored to \(vma!)") }
            } else if pte.isPresent, call.write, !pte.isWritable, writable, state.frames.isShared(pte.frame!) {
                return copyOnWrite(cpu, &call, old: pte.frame!)
            } else if pte.isPresent, call.write, !pte.isWritable, writable {
                state.mms[call.mm].ptes[call.page].isWritable = true
                if isTracing { note(cpu, "handle_mm_fault", "do_wp_page: pte(\(call.page)) made writable") }
            } else {
                if isTracing { note(cpu, "handle_mm_fault", "pte(\(call.page)) already usable") }
            }
            counters.pageFaults += 1
            call.pc = .unlockMmap
            return .shared
        case .cowInstall:
            // set_pte_at_notify() of the private copy, pte_unmap_unlock(), then the old
            // page's reference goes (it stays mapped in the other address space).
            let table = state.mms[call.mm].table(of: call.page)
            touch(.page(mm: call.mm, page: call.page), write: true)
            touch(.ptl(mm: call.mm, table: table), write: true)
            state.mms[call.mm].ptes[call.page] = .mapping(call.newFrame!, writable: true)
            state.mms[call.mm].ptlOwners[table] = nil
            freeFrame(call.oldFrame!)
            reachCoherencePoint(
                mm: call.mm, range: PageRange(call.page, call.page + 1), thread: call.thread,
                op: state.threads[call.thread].pc, promisesGone: true)
            if isTracing {
                note(
                    cpu, "wp_page_copy",
                    "pte(\(call.page)) = frame \(call.newFrame!) writable; put_page(\(call.oldFrame!))")
            }
            call.pc = .unlockMmap
            return .shared
        case .unlockMmap:
            touch(.mmapLock(mm: call.mm), write: true)
            state.mms[call.mm].mmapLock.readers -= 1
            if call.isSegfault {
                counters.segfaults += 1
                if isTracing { note(cpu, "handle_mm_fault", "mmap_read_unlock; SIGSEGV at page \(call.page)") }
                finishOperation(call.thread)
            } else {
                if isTracing { note(cpu, "handle_mm_fault", "mmap_read_unlock; retry the access") }
            }
            return .ret(shared: true)
        }
    }
}
