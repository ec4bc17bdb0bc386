/// Transparent huge pages on the paths of munmap, madvise, mprotect and NUMA hinting: a huge PMD
/// the range covers whole changes as one entry, with the PMD stride; one it covers in part is
/// split into a page table first, by `__split_huge_pmd()` (``stepSplit(_:_:)``), which reclaim,
/// migration, mremap and the copy-on-write fault call too.
///
/// Follows `zap_pmd_range()` (mm/memory.c), `change_pmd_range()` (mm/mprotect.c),
/// `zap_huge_pmd()`, `change_huge_pmd()` and `__split_huge_pmd_locked()` (mm/huge_memory.c),
/// `pmdp_invalidate()` (mm/pgtable-generic.c) and `flush_pmd_tlb_range()`
/// (arch/x86/include/asm/pgtable.h), Linux 6.6.
extension World {
    /// Whether the batch covers the huge PMD of page-table range `table` whole, of which it
    /// covers `pages` (`if (next - addr != HPAGE_PMD_SIZE)` splits it): `zap_huge_pmd()` or
    /// `change_huge_pmd()` then.
    func coversWholePMD(table: Int, pages: Range<Int>, in call: PTEBatchCall) -> Bool {
        pages == state.mms[call.mm].pages(inTable: table)
    }

    /// Whether the folio a huge PMD maps at `pages` of `mm` is this mapping's alone: no frame of
    /// it shared with another address space. Fork clears `PageAnonExclusive` of the head page
    /// (`page_try_dup_anon_rmap()`) and sets it again only where `do_huge_pmd_wp_page()` reuses
    /// the folio, at `folio_ref_count(folio) == 1`; after the other side split its PMD and
    /// copied one small page, the rest of the folio is still mapped there.
    mutating func isExclusiveFolio(mm: Int, pages: Range<Int>) -> Bool {
        var exclusive = true
        for page in pages {
            guard let frame = state.mms[mm].ptes[page].frame else { continue }
            touch(.frame(frame), write: false)
            if state.frames.isShared(frame) { exclusive = false }
        }
        return exclusive
    }

    /// One huge PMD the batch covers whole, in one step under `pmd_lock()`.
    mutating func changeHugePMD(_ cpu: Int, table: Int, call: inout PTEBatchCall) {
        let space = state.mms[call.mm]
        let pages = space.pages(inTable: table)
        for page in pages { touch(.page(mm: call.mm, page: page), write: true) }
        switch call.kind {
        case .munmap, .madviseDontNeed:
            // zap_huge_pmd(): pmdp_huge_get_and_clear_full(); tlb_remove_pmd_tlb_entry() ->
            // tlb_flush_pmd_range(tlb, addr, HPAGE_PMD_SIZE) (cleared_pmds: the flush's stride is
            // PMD_SHIFT unless PTEs were cleared too); zap_deposited_table(): pte_free() of the
            // deposited table at once, outside the gather (no freed_tables): safe only if no
            // paging-structure cache still points at it (a fault's table was never hooked; a
            // collapsed one was, until pmdp_collapse_flush()'s flush); tlb_remove_page_size(tlb,
            // page, HPAGE_PMD_SIZE): the frames go after the flush.
            for page in pages {
                if let frame = space.ptes[page].frame { state.cpus[cpu].gatherFrames.append(frame) }
                state.mms[call.mm].ptes[page] = .none
                openRevocation(mm: call.mm, page: page, removesTranslation: true, thread: call.thread, op: call.op)
            }
            state.mms[call.mm].hugeTables &= ~space.tableBit(table)
            releasePageTables(mm: call.mm, tables: space.freeableTables & space.tableBit(table))
            call.gather.add(pmdRange: pages)
            call.clearedInTable = true
            if isTracing {
                note(
                    cpu, call.kind.syscallName,
                    "zap_huge_pmd(\(describe(pages))): tlb_flush_pmd_range; pte_free(deposited table \(table))")
            }
        case .mprotect(let prot):
            // change_huge_pmd(): pmdp_invalidate_ad() (no flush on x86: "Once an invalid PTE is
            // established, the PTE's access and dirty bits cannot be updated"), pmd_modify(),
            // pmd_mkwrite() only where can_change_pmd_writable(), set_pmd_at(); then
            // huge_pmd_needs_flush() (PRESENT or RW changed) -> tlb_flush_pmd_range().
            let old = space.ptes[pages.lowerBound]
            // can_change_pmd_writable(): PageAnonExclusive() of the head page, for the whole
            // folio (`isExclusiveFolio(mm:pages:)`), not the first page's frame alone.
            let new = protected(old, prot, isExclusive: isExclusiveFolio(mm: call.mm, pages: pages))
            var needsFlush = false
            for page in pages {
                state.mms[call.mm].ptes[page].isPresent = new.isPresent
                state.mms[call.mm].ptes[page].isProtNone = new.isProtNone
                state.mms[call.mm].ptes[page].isWritable = new.isWritable
                needsFlush = changeNeedsFlush(from: old, to: new, page: page, call: call)
            }
            if needsFlush {
                call.gather.add(pmdRange: pages)
                call.clearedInTable = true
            }
            if isTracing { note(cpu, "mprotect", "change_huge_pmd(\(describe(pages))) -> \(prot)") }
        case .numaHint:
            // change_huge_pmd() with MM_CP_PROT_NUMA: "if (pmd_protnone(*pmd)) goto unlock;",
            // else pmd_modify(oldpmd, PAGE_NONE): not present, no write (no shared-page skip
            // here, unlike change_pte_range()); the flush deferred to tlb_finish_mmu().
            let old = space.ptes[pages.lowerBound]
            guard !old.isProtNone else {
                if isTracing { note(cpu, "change_prot_numa", "change_huge_pmd(\(describe(pages))): already PROT_NONE") }
                return
            }
            for page in pages {
                state.mms[call.mm].ptes[page].isPresent = false
                state.mms[call.mm].ptes[page].isProtNone = true
                state.mms[call.mm].ptes[page].isWritable = false
                openRevocation(mm: call.mm, page: page, removesTranslation: true, thread: call.thread, op: call.op)
            }
            call.gather.add(pmdRange: pages)
            call.clearedInTable = true
            if isTracing {
                note(cpu, "change_prot_numa", "change_huge_pmd(\(describe(pages))) -> PROT_NONE (flush deferred)")
            }
        }
    }

    /// Follows `__split_huge_pmd()` -> `__split_huge_pmd_locked()` (mm/huge_memory.c, 6.6):
    /// under `pmd_lock()` (the model's PTL of the table), if the PMD is still huge,
    /// `old_pmd = pmdp_invalidate(vma, haddr, pmd)` makes it not present (a walk faults, and the
    /// fault waits for the lock), then `flush_pmd_tlb_range()` = `flush_tlb_mm_range(mm, haddr,
    /// haddr + HPAGE_PMD_SIZE, PMD_SHIFT, false)`, still under the lock: the huge entry must be
    /// gone from every TLB before 4 KiB translations of the same pages can be cached. Then the
    /// deposited table gets a PTE a page with the old PMD's frame and protection,
    /// `pmd_populate()` hooks it, and the lock drops. From there a huge entry of the range still
    /// cached is a second translation, of another size, of pages the table maps: using it is a
    /// violation (`split-huge-entry`).
    mutating func stepSplit(_ cpu: Int, _ call: inout SplitCall) -> StepOutcome {
        let space = state.mms[call.mm]
        let pages = space.pages(inTable: call.table)
        let bit = space.tableBit(call.table)
        switch call.pc {
        case .invalidate:
            touch(.ptl(mm: call.mm, table: call.table), write: true)
            guard space.hugeTables & bit != 0 else {
                // Split, or zapped, by another CPU since the caller looked.
                if isTracing { note(cpu, "__split_huge_pmd", "\(describe(pages)) no longer huge") }
                return .ret(shared: true)
            }
            state.mms[call.mm].ptlOwners[call.table] = cpu
            call.pmd = space.ptes[pages.lowerBound]
            for page in pages {
                touch(.page(mm: call.mm, page: page), write: true)
                state.mms[call.mm].ptes[page].isPresent = false
                state.mms[call.mm].ptes[page].isProtNone = false
            }
            // Ghost: the huge entries cached now must be gone when the table replaces the PMD.
            let split = Revocation(thread: call.thread, op: call.op, coveredBy: ThreadSet(call.thread), isDue: false)
            updateTLBEntries(mm: call.mm, pages: pages) { entry in
                if entry.hugePages > 0, entry.unmapped == nil { entry.unmapped = split }
            }
            state.mms[call.mm].hugeTables &= ~bit
            state.mms[call.mm].splitTables |= bit
            counters.thpSplits += 1
            call.pc = .populate
            guard scheme.flushesPMDSplit else {
                if isTracing { note(cpu, "__split_huge_pmd", "pmd_mkinvalid(\(describe(pages))), no flush") }
                return .shared
            }
            var flush = FlushTLBMMRangeCall(
                mm: call.mm, start: pages.lowerBound, end: pages.upperBound, freedTables: false)
            flush.stride = space.ptesPerTable
            if isTracing { note(cpu, "__split_huge_pmd", "pmdp_invalidate(\(describe(pages))): flush_pmd_tlb_range") }
            return invoke(cpu, .flushTLBMMRange(flush), shared: true)
        case .populate:
            let pmd = call.pmd!
            for page in pages {
                touch(.page(mm: call.mm, page: page), write: true)
                state.mms[call.mm].ptes[page].isPresent = pmd.isPresent
                state.mms[call.mm].ptes[page].isProtNone = pmd.isProtNone
                state.mms[call.mm].ptes[page].isWritable = pmd.isWritable
            }
            hookPageTable(mm: call.mm, page: pages.lowerBound)
            updateTLBEntries(mm: call.mm, pages: pages, makesDue: true) { entry in
                if entry.hugePages > 0, let r = entry.unmapped, r.thread == call.thread, r.op == call.op {
                    entry.unmapped?.isDue = true
                }
            }
            touch(.ptl(mm: call.mm, table: call.table), write: true)
            state.mms[call.mm].ptlOwners[call.table] = nil
            if isTracing { note(cpu, "__split_huge_pmd", "pmd_populate(\(describe(pages))); spin_unlock(pmd_lock)") }
            return .ret(shared: true)
        }
    }

    /// Invokes `__split_huge_pmd()` of `table` for `thread`'s operation `op`, noting `why` under
    /// `function`'s name; the caller's step runs again when it returns.
    mutating func splitFirst(
        _ cpu: Int, mm: Int, table: Int, thread: Int, op: Int, function: String, why: @autoclosure () -> String
    ) -> StepOutcome {
        if isTracing { note(cpu, function, why()) }
        return invoke(cpu, .split(SplitCall(mm: mm, table: table, thread: thread, op: op)), shared: true)
    }

    /// A huge PMD's pages, as the kernel's traces name a range.
    func describe(_ pages: Range<Int>) -> String { PageRange(pages.lowerBound, pages.upperBound).description }

    /// The VMA changes of munmap and mprotect: a range that is no longer one huge VMA over
    /// whole page tables takes no more huge faults (`thp_vma_suitable_order()` fails on the
    /// split VMA; munmap's VMA is gone). `keepingWhole`: mprotect keeps the tables it covers
    /// whole (the VMA splits at their boundaries). A table munmap leaves without a VMA goes
    /// with `free_pgtables()`: its PMD is `pmd_none()` again.
    mutating func dropHugeEligibility(mm: Int, range: PageRange, keepingWhole: Bool) {
        let space = state.mms[mm]
        guard space.thpTables | space.splitTables != 0 else { return }
        for table in space.table(of: range.start)...space.table(of: range.end - 1) {
            let pages = space.pages(inTable: table)
            let whole = range.start <= pages.lowerBound && pages.upperBound <= range.end
            if !(keepingWhole && whole) { state.mms[mm].thpTables &= ~space.tableBit(table) }
            if !keepingWhole, !pages.contains(where: { space.vmas[$0] != nil }) {
                state.mms[mm].splitTables &= ~space.tableBit(table)
            }
        }
    }
}
