/// `fork()`: the page tables copied copy-on-write, and the parent's TLBs flushed.
///
/// Follows `dup_mmap()` (kernel/fork.c, 6.6): `mmap_write_lock_killable(oldmm)` and the new
/// mm's lock, `vm_area_dup()` of each VMA, `copy_page_range()` -> `copy_pte_range()` under the
/// parent's PTL, where `copy_present_pte()` of a private writable page calls
/// `ptep_set_wrprotect(src_mm, ...)` and maps the page read-only in the child too
/// (`page_dup_file_rmap`/`folio_try_dup_anon_rmap`: one more reference), then
/// `flush_tlb_mm(oldmm)` before `mmap_write_unlock(oldmm)`: the parent's writable entries must
/// be gone before any of its threads can write again and the child can see the page.
extension World {
    mutating func stepFork(_ cpu: Int, _ call: inout ForkCall) -> StepOutcome {
        switch call.pc {
        case .lockMmap:
            touch(.mmapLock(mm: call.mm), write: true)
            touch(.mmapLock(mm: call.child), write: true)
            let child = state.mms[call.child]
            guard call.child != call.mm, !child.vmas.contains(where: { $0 != nil }),
                !child.ptes.contains(where: \.isSet)
            else {
                if isTracing { note(cpu, "fork", "\(scenario.mmName(call.child)) is in use: fork fails") }
                finishOperation(call.thread)
                return .ret(shared: true)
            }
            state.mms[call.mm].mmapLock.isWriteLocked = true
            state.mms[call.child].mmapLock.isWriteLocked = true
            // vm_area_dup() of every VMA.
            touch(.vmas(mm: call.child), write: true)
            let parent = state.mms[call.mm]
            state.mms[call.child].vmas = parent.vmas
            state.mms[call.child].vmaIndex = parent.vmaIndex
            state.mms[call.child].deferTLBGen = Array(repeating: 0, count: parent.deferTLBGen.count)
            // VM_HUGEPAGE goes with the VMAs; a PMD pointing at a page table gets one in the
            // child too (copy_pmd_range() -> copy_pte_range() allocates it).
            state.mms[call.child].thpTables = parent.thpTables
            state.mms[call.child].splitTables = parent.splitTables
            if isTracing {
                note(
                    cpu, "dup_mmap",
                    "mmap_write_lock(\(scenario.mmName(call.mm)), \(scenario.mmName(call.child))); copy VMAs")
            }
            call.pc = nextCopy(after: nil, call)
            return .shared
        case .copy(let page):
            let table = state.mms[call.mm].table(of: page)
            touch(.ptl(mm: call.mm, table: table), write: true)
            if state.mms[call.mm].isHuge(table: table) {
                copyHugePMD(cpu, table: table, call: &call)
                return .shared
            }
            touch(.page(mm: call.mm, page: page), write: true)
            touch(.page(mm: call.child, page: page), write: true)
            touch(.allocator, write: true)
            var pte = state.mms[call.mm].ptes[page]
            guard let frame = pte.frame, !pte.isMigrationEntry else {
                // copy_pte_range() copies what it finds under the PTL: reclaim, a zap or a
                // migration took this PTE away since the previous step chose it, and a
                // `pte_none()` entry is skipped. (A migration entry the model does not copy: its
                // migration moves one address space's mapping; see nextCopy(after:_:).)
                if isTracing { note(cpu, "copy_pte_range", "page \(page): no longer mapped, skipped") }
                call.pc = nextCopy(after: page, call)
                return .shared
            }
            if pte.isWritable {
                // copy_present_pte(): "If it's a COW mapping, write protect it both in the
                // parent and the child."
                pte.isWritable = false
                state.mms[call.mm].ptes[page] = pte
                openRevocation(mm: call.mm, page: page, removesTranslation: false, thread: call.thread, op: call.op)
            }
            state.mms[call.child].ptes[page] = pte
            hookPageTable(mm: call.child, page: page)
            touch(.frame(frame), write: true)
            state.frames.share(frame)
            shareCopyOnWrite(mm: call.mm, page: page, frame: frame)
            if isTracing { note(cpu, "copy_present_pte", "page \(page): frame \(frame) shared read-only") }
            call.pc = nextCopy(after: page, call)
            return .shared
        case .flush:
            call.pc = .unlockMmap
            if isTracing { note(cpu, "dup_mmap", "flush_tlb_mm(\(scenario.mmName(call.mm)))") }
            return invoke(cpu, .flushTLBMMRange(.wholeMM(call.mm)), shared: false)
        case .unlockMmap:
            touch(.mmapLock(mm: call.mm), write: true)
            touch(.mmapLock(mm: call.child), write: true)
            state.mms[call.mm].mmapLock.isWriteLocked = false
            state.mms[call.child].mmapLock.isWriteLocked = false
            if isTracing { note(cpu, "dup_mmap", "mmap_write_unlock; fork returns") }
            // The parent's threads may write again only through a fault that copies the page.
            reachCoherencePoint(
                mm: call.mm, range: PageRange(0, state.mms[call.mm].ptes.count), thread: call.thread, op: call.op,
                promisesGone: false)
            finishOperation(call.thread)
            return .ret(shared: true)
        }
    }

    /// `copy_huge_pmd()` (mm/huge_memory.c, 6.6) under both `pmd_lock()`s: a page table
    /// allocated and deposited for the child, `pmdp_set_wrprotect()` of the parent's PMD, and the
    /// same PMD, write-protected, in the child: the huge page shared copy-on-write (the first
    /// write on either side splits it, `do_huge_pmd_wp_page()`, and copies a small page).
    mutating func copyHugePMD(_ cpu: Int, table: Int, call: inout ForkCall) {
        let pages = state.mms[call.mm].pages(inTable: table)
        let bit = state.mms[call.mm].tableBit(table)
        for page in pages {
            touch(.page(mm: call.mm, page: page), write: true)
            touch(.page(mm: call.child, page: page), write: true)
            var pte = state.mms[call.mm].ptes[page]
            if pte.isWritable {
                pte.isWritable = false
                state.mms[call.mm].ptes[page] = pte
                openRevocation(mm: call.mm, page: page, removesTranslation: false, thread: call.thread, op: call.op)
            }
            state.mms[call.child].ptes[page] = pte
            touch(.frame(pte.frame!), write: true)
            state.frames.share(pte.frame!)
            shareCopyOnWrite(mm: call.mm, page: page, frame: pte.frame!)
        }
        state.mms[call.child].hugeTables |= bit
        if isTracing { note(cpu, "copy_huge_pmd", "pmd(\(describe(pages))) shared read-only, table deposited") }
        call.pc = nextCopy(after: pages.upperBound - 1, call)
    }

    /// The next page after `page` whose PTE maps a frame, or the flush once none is left. The
    /// PTEs it passes over are read (a fault or a migration's remap can fill one meanwhile), so
    /// they are in the step's footprint.
    mutating func nextCopy(after page: Int?, _ call: ForkCall) -> ForkCall.PC {
        let ptes = state.mms[call.mm].ptes
        let first = page.map { $0 + 1 } ?? 0
        for next in first..<ptes.count {
            touch(.page(mm: call.mm, page: next), write: false)
            if ptes[next].frame != nil && !ptes[next].isMigrationEntry { return .copy(page: next) }
        }
        return .flush
    }
}
