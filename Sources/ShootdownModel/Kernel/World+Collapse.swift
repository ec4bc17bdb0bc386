/// `madvise(MADV_COLLAPSE)`: one page table's range of small pages becomes a huge page.
///
/// Follows `madvise_collapse()` -> `hpage_collapse_scan_pmd()` -> `collapse_huge_page()`
/// (mm/khugepaged.c), `pmdp_collapse_flush()` (mm/pgtable-generic.c) and x86's
/// `flush_tlb_range()` (arch/x86/include/asm/tlbflush.h), Linux 6.6: the PMD is cleared and the
/// range flushed under `pmd_lock()`, the small pages copied into the huge page and freed under
/// the PTE lock, and the huge PMD installed with the old page table deposited under it. The
/// table is no longer reachable from the PMD, but a lazy CPU's paging-structure cache may still
/// point at it; `zap_huge_pmd()` frees it later with `pte_free()` at once, so the collapse's
/// flush must reach lazy CPUs (`freed_tables`, CVE-2025-22045).
extension World {
    mutating func stepCollapse(_ cpu: Int, _ call: inout CollapseCall) -> StepOutcome {
        let space = state.mms[call.mm]
        let pages = space.pages(inTable: call.table)
        switch call.pc {
        case .lockMmap:
            // collapse_huge_page(): mmap_write_lock(mm) after the scan and the allocation. With
            // the lock held only rmap walkers (reclaim, migration) can still change the PTEs:
            // the isolation checks them again under the PTL (.clearPMD).
            touch(.mmapLock(mm: call.mm), write: true)
            touch(.allocator, write: true)
            for page in pages { touch(.page(mm: call.mm, page: page), write: false) }
            if let reason = collapseRefusal(mm: call.mm, pages: pages) {
                if isTracing { note(cpu, collapseCaller(call), "\(describe(pages)): \(reason)") }
                finishOperation(call.thread)
                return .ret(shared: true)
            }
            state.mms[call.mm].mmapLock.isWriteLocked = true
            state.cpus[cpu].gatherFrames = pages.map { _ in state.frames.allocate()! }
            call.pc = .clearPMD
            if isTracing {
                let frames = state.cpus[cpu].gatherFrames
                note(cpu, "collapse_huge_page", "mmap_write_lock; huge page frames \(frames.first!)-\(frames.last!)")
            }
            return .shared
        case .clearPMD:
            // pmd_lock(); _pmd = pmdp_collapse_flush(): pmdp_huge_get_and_clear(), then
            // flush_tlb_range(vma, address, address + HPAGE_PMD_SIZE) (PAGE_SHIFT: the PTEs go).
            touch(.ptl(mm: call.mm, table: call.table), write: true)
            for page in pages { touch(.page(mm: call.mm, page: page), write: true) }
            if let reason = isolationRefusal(mm: call.mm, pages: pages) {
                // __collapse_huge_page_isolate() failed (reclaim or migration took a page since
                // the scan): the PMD is put back and the collapse fails. The kernel flushed
                // before isolating; the model checks first and skips that flush, which changes
                // no translation.
                touch(.allocator, write: true)
                touch(.mmapLock(mm: call.mm), write: true)
                for frame in state.cpus[cpu].gatherFrames.reversed() { state.frames.free(frame) }
                state.cpus[cpu].gatherFrames = []
                state.mms[call.mm].mmapLock.isWriteLocked = false
                if isTracing { note(cpu, "__collapse_huge_page_isolate", "\(describe(pages)): \(reason)") }
                finishOperation(call.thread)
                return .ret(shared: true)
            }
            state.mms[call.mm].ptlOwners[call.table] = cpu
            // The detached table's pages wait after the huge page's frames.
            state.cpus[cpu].gatherFrames += pages.compactMap { space.ptes[$0].frame }
            for page in pages {
                if space.ptes[page].isPresent {
                    openRevocation(mm: call.mm, page: page, removesTranslation: true, thread: call.thread, op: call.op)
                }
                state.mms[call.mm].ptes[page] = .none
            }
            unhookPageTables(mm: call.mm, tables: space.hookedTables & space.tableBit(call.table))
            call.pc = .unlockPMD
            let flush = FlushTLBMMRangeCall(
                mm: call.mm, start: pages.lowerBound, end: pages.upperBound,
                freedTables: scheme.flushTLBRangeFreesTables)
            if isTracing {
                note(cpu, "pmdp_collapse_flush", "pmdp_huge_get_and_clear(\(describe(pages))); flush_tlb_range")
            }
            return invoke(cpu, .flushTLBMMRange(flush), shared: true)
        case .unlockPMD:
            touch(.ptl(mm: call.mm, table: call.table), write: true)
            state.mms[call.mm].ptlOwners[call.table] = nil
            call.pc = .copy
            if isTracing { note(cpu, "collapse_huge_page", "spin_unlock(pmd_ptl)") }
            return .shared
        case .copy:
            // __collapse_huge_page_isolate() and __collapse_huge_page_copy() under the PTE lock
            // of the detached table: each small page copied (a none or zero-page PTE: zeroes),
            // ptep_clear(), and the page freed (its last reference: the scan took no shared one).
            touch(.ptl(mm: call.mm, table: call.table), write: true)
            let old = Array(state.cpus[cpu].gatherFrames[pages.count...])
            for frame in old { freeFrame(frame) }
            state.cpus[cpu].gatherFrames.removeLast(old.count)
            call.pc = .install
            if isTracing {
                note(
                    cpu, "__collapse_huge_page_copy", "copied and freed \(old.map(String.init).joined(separator: ","))")
            }
            return .shared
        case .install:
            // pmd_lock(); pgtable_trans_huge_deposit(); set_pmd_at(mk_huge_pmd(), maybe_pmd_mkwrite()).
            touch(.ptl(mm: call.mm, table: call.table), write: true)
            let writable = space.vmas[pages.lowerBound] == .write
            for (page, frame) in zip(pages, state.cpus[cpu].gatherFrames) {
                touch(.page(mm: call.mm, page: page), write: true)
                state.mms[call.mm].ptes[page] = .mapping(frame, writable: writable)
            }
            let bit = space.tableBit(call.table)
            state.mms[call.mm].hugeTables |= bit
            state.mms[call.mm].splitTables &= ~bit
            state.cpus[cpu].gatherFrames = []
            counters.thpCollapses += 1
            call.pc = .unlockMmap
            if isTracing { note(cpu, "collapse_huge_page", "set_pmd_at(\(describe(pages))): huge, table deposited") }
            return .shared
        case .unlockMmap:
            touch(.mmapLock(mm: call.mm), write: true)
            state.mms[call.mm].mmapLock.isWriteLocked = false
            reachCoherencePoint(
                mm: call.mm, range: PageRange(pages.lowerBound, pages.upperBound), thread: call.thread, op: call.op,
                promisesGone: true)
            finishOperation(call.thread)
            if isTracing {
                let back = scenario.threads[call.thread].mm == nil ? "" : "; returns to user"
                note(cpu, collapseCaller(call), "mmap_write_unlock\(back)")
            }
            return .ret(shared: true)
        }
    }

    /// Who collapses: a user thread's `madvise_collapse()`, or khugepaged (a kernel thread with
    /// a `target`), whose `khugepaged_scan_mm_slot()` finds the range.
    func collapseCaller(_ call: CollapseCall) -> String {
        scenario.threads[call.thread].mm == nil ? "khugepaged_scan_mm_slot" : "madvise_collapse"
    }

    /// Why `hpage_collapse_scan_pmd()` or `__collapse_huge_page_isolate()` refuses the range,
    /// or `nil` to collapse it: one anonymous VMA over the whole range (`hugepage_vma_check()`),
    /// no huge PMD already (`SCAN_PMD_MAPPED`) and a page table (`SCAN_PMD_NULL`), every PTE
    /// none, the zero page, or a present page mapped here only (`SCAN_PAGE_COUNT`; a
    /// PROT_NONE or migration entry: `SCAN_PTE_NON_PRESENT`), at least one writable
    /// (`SCAN_PAGE_RO`), and a huge page's frames free (`SCAN_ALLOC_HUGE_PAGE_FAIL`).
    func collapseRefusal(mm: Int, pages: Range<Int>) -> String? {
        let space = state.mms[mm]
        let vma = space.vmas[pages.lowerBound]
        guard let vma, vma != .none, pages.allSatisfy({ space.vmas[$0] == vma }) else {
            return "no VMA over it: EINVAL"
        }
        if space.isHuge(table: space.table(of: pages.lowerBound)) { return "SCAN_PMD_MAPPED: already huge" }
        if let reason = isolationRefusal(mm: mm, pages: pages) { return reason }
        guard state.frames.freeCount >= pages.count else { return "SCAN_ALLOC_HUGE_PAGE_FAIL" }
        return nil
    }

    /// The PTEs' part of ``collapseRefusal(mm:pages:)``, which `__collapse_huge_page_isolate()`
    /// checks again under the PTE lock.
    func isolationRefusal(mm: Int, pages: Range<Int>) -> String? {
        let ptes = pages.map { state.mms[mm].ptes[$0] }
        guard ptes.contains(where: \.isSet) else { return "SCAN_PMD_NULL: no page table" }
        for pte in ptes where pte.isSet {
            if pte.isMigrationEntry || pte.isProtNone || !pte.isPresent { return "SCAN_PTE_NON_PRESENT" }
            if let frame = pte.frame, frame != state.frames.zeroPage, state.frames.isShared(frame) {
                return "SCAN_PAGE_COUNT: page shared"
            }
        }
        guard ptes.contains(where: \.isWritable) else { return "SCAN_PAGE_RO" }
        return nil
    }
}
