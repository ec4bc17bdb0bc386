/// Migration's tail, after its batched unmap and flush (``stepUnmap(_:_:)``): the copy, the
/// remap and the old frame's release (`migrate_pages_batch()` -> `migrate_folio_move()`,
/// mm/migrate.c, 6.6).
extension World {
    /// `move_to_new_folio()`: the copy starts; a write through a stale entry from now on is
    /// lost, so this is the revocation's coherence point.
    mutating func copyMigratedPage(_ cpu: Int, _ call: inout UnmapCall) -> StepOutcome {
        touch(.allocator, write: true)
        call.newFrame = state.frames.allocate()
        reachCoherencePoint(
            mm: call.mm, range: PageRange(call.page, call.page + 1), thread: call.thread, op: call.op,
            promisesGone: true)
        if isTracing {
            note(
                cpu, "move_to_new_folio",
                "copy frame \(call.old.frame!) -> \(call.newFrame.map(String.init) ?? "none (out of memory)")")
        }
        call.pc = scheme.movesBeforeBatchFlush ? .flush : .remap
        return .shared
    }

    /// `remove_migration_ptes()`, under the PTL: only if our migration entry is still there (a
    /// concurrent munmap or madvise may have zapped it).
    mutating func remapMigratedPage(_ cpu: Int, _ call: inout UnmapCall) -> StepOutcome {
        touch(.ptl(mm: call.mm, table: state.mms[call.mm].table(of: call.page)), write: true)
        touch(.page(mm: call.mm, page: call.page), write: true)
        let pte = state.mms[call.mm].ptes[call.page]
        let target = call.newFrame ?? call.old.frame!
        if pte.isMigrationEntry {
            // remove_migration_pte(): mk_pte(new, vma->vm_page_prot), so a NUMA-hinted
            // PROT_NONE page comes back accessible, as the VMA allows, and writable only if
            // the migration entry is (`is_writable_migration_entry()`: try_to_migrate_one()
            // made it from pte_write(), false for PROT_NONE and for a page shared
            // copy-on-write; a write then faults and do_wp_page() reuses or copies). When
            // move_to_new_folio() failed, remove_migration_ptes(src, src) maps the old folio
            // again the same way.
            // The VMA comes through the rmap, without mmap_lock: a munmap or mprotect holding
            // it for writing changes what this reads.
            touch(.vmas(mm: call.mm), write: false)
            let vma = state.mms[call.mm].vmas[call.page]
            let accessible = vma.map { $0 != .none } ?? false
            let writable = call.old.isWritable && vma == .write
            state.mms[call.mm].ptes[call.page] = PTE(
                frame: target, isPresent: accessible, isWritable: writable, isProtNone: !accessible)
            if isTracing { note(cpu, "remove_migration_ptes", "pte(\(call.page)) = frame \(target)") }
            guard call.newFrame != nil else {
                // migrate_folio_undo_src() puts the old folio back: its frame is the mapping's
                // again, and whoever clears this PTE later frees it after its own flush.
                // Migration's isolation of the folio ends in this same step, so no window opens
                // where the folio is mapped and still held by this migration.
                finishOperation(call.thread)
                return .ret(shared: true)
            }
        } else {
            if let newFrame = call.newFrame { freeFrame(newFrame) }
            call.newFrame = nil
            if isTracing { note(cpu, "remove_migration_ptes", "migration entry of \(call.page) is gone") }
        }
        call.pc = .freeOld
        return .shared
    }

    /// `pte_accessible()` of a PROT_NONE PTE (arch/x86/include/asm/pgtable.h): whether a TLB
    /// may still cache its old translation, one shared read (`mm_tlb_flush_pending()`, or under
    /// RFC 15 the VMA's `defer_tlb_gen` against `tlb_gen_completed`).
    mutating func protNoneMayBeCached(mm: Int, page: Int) -> Bool {
        touch(.flushPending(mm: mm), write: false)
        let space = state.mms[mm]
        return scheme.protNoneMayBeCached(
            flushPending: space.isFlushPending, vmaDeferTLBGen: space.deferTLBGen[Int(space.vmaIndex[page])],
            completed: space.tlbGenCompleted)
    }
}
