/// Page migration, the path whose `ptep_clear_flush()` flushes one page outside any mmu_gather.
///
/// Follows `migrate_pages()` (mm/migrate.c, 6.6): `migrate_folio_unmap()` -> `try_to_migrate()`
/// -> `try_to_migrate_one()` (mm/rmap.c), which under the PTL calls `ptep_clear_flush()`
/// (mm/pgtable-generic.c) and leaves a migration entry; `move_to_new_folio()` copies;
/// `remove_migration_ptes()` maps the new folio; the old one is freed.
extension World {
    mutating func stepMigrate(_ cpu: Int, _ call: inout MigrateCall) -> StepOutcome {
        switch call.pc {
        case .lockPTL:
            touch(.ptl(mm: call.mm, table: state.mms[call.mm].table(of: call.page)), write: true)
            state.mms[call.mm].ptlOwners[state.mms[call.mm].table(of: call.page)] = cpu
            coverRevocations(mm: call.mm, pages: call.page..<call.page + 1, thread: call.thread)
            if isTracing { note(cpu, "migrate_pages", "page_vma_mapped_walk: spin_lock(ptl)") }
            call.pc = .clear
            return .shared
        case .clear:
            // ptep_clear_flush(): pte = ptep_get_and_clear(); a migration entry takes its place.
            touch(.page(mm: call.mm, page: call.page), write: true)
            call.old = state.mms[call.mm].ptes[call.page]
            guard call.old.frame != nil, !call.old.isMigrationEntry else {
                if isTracing { note(cpu, "migrate_pages", "page \(call.page) not mapped: nothing to migrate") }
                call.pc = .unlockPTL
                return .shared
            }
            if state.frames.isShared(call.old.frame!) {
                // Shared since fork(): rmap would unmap every mapping; the model moves one
                // address space's pages only, so this migration fails (-EAGAIN) and leaves it.
                // The zero page is shared too, and never isolated (vm_normal_page() is NULL).
                if isTracing { note(cpu, "migrate_pages", "page \(call.page) is shared: not migrated") }
                call.old = .none
                call.pc = .unlockPTL
                return .shared
            }
            state.mms[call.mm].ptes[call.page] = PTE(
                frame: nil, isPresent: false, isWritable: false, isProtNone: false, isMigrationEntry: true)
            openRevocation(mm: call.mm, page: call.page, removesTranslation: true, thread: call.thread, op: call.op)
            if isTracing {
                note(cpu, "try_to_migrate_one", "ptep_clear_flush(\(call.page)): was frame \(call.old.frame!)")
            }
            if call.old.isPresent {
                call.pc = .unlockPTL
                return invoke(cpu, .flushTLBMMRange(.page(call.page, of: call.mm)), shared: true)
            }
            call.pc = .checkPending
            return .shared
        case .checkPending:
            // pte_accessible(): a PROT_NONE entry may still be cached while a flush is pending.
            call.pc = .unlockPTL
            let pending = protNoneMayBeCached(mm: call.mm, page: call.page)
            if isTracing {
                note(cpu, "ptep_clear_flush", "pte_accessible: PROT_NONE, flush pending = \(pending)")
            }
            return pending ? invoke(cpu, .flushTLBMMRange(.page(call.page, of: call.mm)), shared: true) : .shared
        case .unlockPTL:
            touch(.ptl(mm: call.mm, table: state.mms[call.mm].table(of: call.page)), write: true)
            state.mms[call.mm].ptlOwners[state.mms[call.mm].table(of: call.page)] = nil
            if isTracing { note(cpu, "migrate_pages", "spin_unlock(ptl)") }
            guard call.old.frame != nil, !call.old.isMigrationEntry else {
                finishOperation(call.thread)
                return .ret(shared: true)
            }
            call.pc = .copy
            return .shared
        case .copy:
            // move_to_new_folio(): the copy starts; a write through a stale entry from now on is
            // lost, so this is the revocation's coherence point.
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
            call.pc = .remap
            return .shared
        case .remap:
            // remove_migration_ptes(), under the PTL: only if our migration entry is still there
            // (a concurrent munmap or madvise may have zapped it).
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
                let vma = state.mms[call.mm].vmas[call.page]
                let accessible = vma.map { $0 != .none } ?? false
                let writable = call.old.isWritable && vma == .write
                state.mms[call.mm].ptes[call.page] = PTE(
                    frame: target, isPresent: accessible, isWritable: writable, isProtNone: !accessible)
                if isTracing { note(cpu, "remove_migration_ptes", "pte(\(call.page)) = frame \(target)") }
                guard call.newFrame != nil else {
                    // migrate_folio_undo_src() puts the old folio back: its frame is the
                    // mapping's again, and whoever clears this PTE later frees it after its own
                    // flush. Migration's isolation of the folio ends in this same step, so no
                    // window opens where the folio is mapped and still held by this migration.
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
        case .freeOld:
            // The old folio's last reference, which migration held since it unmapped the page:
            // back to the allocator (migrate_folio_done()).
            freeFrame(call.old.frame!)
            if isTracing { note(cpu, "migrate_pages", "free old frame \(call.old.frame!)") }
            finishOperation(call.thread)
            return .ret(shared: true)
        }
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
