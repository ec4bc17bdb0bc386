/// Reclaim and migration of one page: an rmap unmap with its TLB flush batched, the deferred
/// flush that `flush_tlb_batched_pending()` guards against.
///
/// Follows, as of 6.6, `shrink_folio_list()` (mm/vmscan.c) -> `try_to_unmap(folio,
/// TTU_BATCH_FLUSH)` -> `try_to_unmap_one()`, and `migrate_pages()` (mm/migrate.c) ->
/// `migrate_pages_batch(..., MIGRATE_ASYNC, ...)` -> `migrate_folio_unmap()` ->
/// `try_to_migrate(src, TTU_BATCH_FLUSH)` -> `try_to_migrate_one()` (mm/rmap.c; batched since
/// 7e12beb8ca2a, 6.4): under the PTL, `should_defer_flush()`, then `ptep_get_and_clear()` +
/// `set_tlb_ubc_flush_pending()` (`pte_accessible()`, `arch_tlbbatch_add_pending()`:
/// `inc_mm_tlb_gen()` and `cpumask_or()` of `mm_cpumask`, then `atomic_inc(&mm->tlb_flush_batched)`),
/// or `ptep_clear_flush()` when no other CPU has the mm. Reclaim leaves an empty PTE (the anonymous
/// page's swap entry: the next touch faults a new page in), migration a migration entry. Then
/// `try_to_unmap_flush()` -> `arch_tlbbatch_flush()` (arch/x86/mm/tlb.c), and only after it is the
/// folio freed (reclaim) or copied by `move_to_new_folio()`, mapped again by
/// `remove_migration_ptes()` and freed (migration).
///
/// `migrate_pages()` falls back to a synchronous pass (`migrate_pages_sync()`: one folio at a
/// time, `migrate_pages_batch(MIGRATE_SYNC)`, `try_to_migrate(src, 0)`, so `ptep_clear_flush()`
/// under the PTL) for folios its asynchronous pass could not take (`folio_trylock()` failed,
/// writeback, a batch that ran out of new folios). The model has no folio locks or writeback:
/// a scenario says which pass a migration takes (`migrate P sync`, ``UnmapCall/isSynchronous``).
extension World {
    mutating func stepUnmap(_ cpu: Int, _ call: inout UnmapCall) -> StepOutcome {
        let table = state.mms[call.mm].table(of: call.page)
        let function = call.migrates ? "try_to_migrate_one" : "try_to_unmap_one"
        switch call.pc {
        case .lockPTL:
            touch(.ptl(mm: call.mm, table: table), write: true)
            if state.mms[call.mm].isHuge(table: table) {
                // try_to_unmap_one() / try_to_migrate_one() with TTU_SPLIT_HUGE_PMD (reclaim's
                // try_to_unmap() of a PMD-mapped THP; migration of a THP it could not move
                // whole, after try_split_folio()): split_huge_pmd_address() first, then the
                // page's PTE as a small page's.
                return splitFirst(
                    cpu, mm: call.mm, table: table, thread: call.thread, op: call.op, function: function,
                    why: "TTU_SPLIT_HUGE_PMD: split_huge_pmd_address()")
            }
            state.mms[call.mm].ptlOwners[table] = cpu
            if call.migrates {
                coverRevocations(mm: call.mm, pages: call.page..<call.page + 1, thread: call.thread)
            }
            if isTracing { note(cpu, function, "page_vma_mapped_walk: spin_lock(ptl)") }
            // should_defer_flush(): `if (!(flags & TTU_BATCH_FLUSH)) return false;`
            call.pc = call.isSynchronous ? .clear : .shouldDefer
            return .shared
        case .shouldDefer:
            // should_defer_flush() -> arch_tlbbatch_should_defer(): cpumask_any_but(mm_cpumask(mm), cpu).
            touch(.cpumask(mm: call.mm), write: false)
            call.isDeferred = state.mms[call.mm].cpumask.containsAny(but: cpu)
            if isTracing { note(cpu, "should_defer_flush", call.isDeferred ? "other CPUs: batch the flush" : "no") }
            call.pc = .clear
            return .shared
        case .clear:
            return clearPTE(cpu, &call, function: function)
        case .accessible:
            let cached = protNoneMayBeCached(mm: call.mm, page: call.page)
            if isTracing { note(cpu, "pte_accessible", "PROT_NONE, flush pending = \(cached)") }
            guard cached else {
                call.pc = .unlockPTL
                return .shared
            }
            return afterAccessible(cpu, &call)
        case .incGen:
            // arch_tlbbatch_add_pending(): inc_mm_tlb_gen(mm);
            touch(.tlbGen(mm: call.mm), write: true)
            state.mms[call.mm].tlbGen += 1
            call.gen = state.mms[call.mm].tlbGen
            if isTracing {
                note(
                    cpu, "arch_tlbbatch_add_pending",
                    "inc_mm_tlb_gen(\(scenario.mmName(call.mm))) = \(state.mms[call.mm].tlbGen)")
            }
            call.pc = .orMask
            return .shared
        case .orMask:
            // cpumask_or(&batch->cpumask, &batch->cpumask, mm_cpumask(mm)); flush_required = true;
            touch(.cpumask(mm: call.mm), write: false)
            state.threads[call.thread].tlbUBC.formUnion(state.mms[call.mm].cpumask)
            call.isFlushRequired = true
            // The scheme records the page (6.x passes uaddr): the ring's catch-ups flush just it.
            S.publish(
                PublishedFlush(
                    mm: call.mm, gen: call.gen, range: PageRange(call.page, call.page + 1), freedTables: false),
                in: &self, cpu: cpu)
            if isTracing {
                note(cpu, "arch_tlbbatch_add_pending", "batch cpumask = \(cpuList(state.threads[call.thread].tlbUBC))")
            }
            call.pc = .markBatched
            return .shared
        case .markBatched:
            // barrier(); atomic_inc(&mm->tlb_flush_batched);
            touch(.flushBatched(mm: call.mm), write: true)
            state.mms[call.mm].tlbFlushBatched.pending += 1
            if isTracing {
                let b = state.mms[call.mm].tlbFlushBatched
                note(cpu, "set_tlb_ubc_flush_pending", "tlb_flush_batched = \(b.pending)/\(b.flushed)")
            }
            call.pc = .unlockPTL
            return .shared
        case .unlockPTL:
            touch(.ptl(mm: call.mm, table: table), write: true)
            state.mms[call.mm].ptlOwners[table] = nil
            if isTracing { note(cpu, function, "spin_unlock(ptl)") }
            guard call.old.frame != nil, !call.old.isMigrationEntry else {
                finishOperation(call.thread)
                return .ret(shared: true)
            }
            call.pc = call.migrates && scheme.movesBeforeBatchFlush ? .copy : .flush
            return .shared
        case .flush:
            // try_to_unmap_flush(): if (tlb_ubc->flush_required) arch_tlbbatch_flush(); then
            // cpumask_clear(&batch->cpumask), flush_required = false. (migrate_pages_batch() runs
            // it once after unmapping the batch, before the first copy: "Flush TLBs for all
            // unmapped folios".)
            call.pc = !call.migrates ? .free : scheme.movesBeforeBatchFlush ? .remap : .copy
            guard call.isFlushRequired else { return .next }
            call.isFlushRequired = false
            if isTracing {
                note(cpu, "try_to_unmap_flush", "arch_tlbbatch_flush(\(cpuList(state.threads[call.thread].tlbUBC)))")
            }
            var flush = FlushTLBMMRangeCall(mm: call.mm, start: 0, end: nil, freedTables: false)
            flush.isBatch = true
            return invoke(cpu, .flushTLBMMRange(flush), shared: false)
        case .free:
            // arch_tlbbatch_flush() ends with cpumask_clear(&batch->cpumask).
            state.threads[call.thread].tlbUBC = .empty
            // free_unref_folios(): the frame goes back only after the flush.
            freeFrame(call.old.frame!)
            if isTracing { note(cpu, "shrink_folio_list", "free frame \(call.old.frame!)") }
            finishOperation(call.thread)
            return .ret(shared: true)
        case .copy:
            // The batch's cpumask_clear() (arch_tlbbatch_flush() is done by now, but not in
            // the mutant that moves first: there it ends before the remap).
            if !scheme.movesBeforeBatchFlush { state.threads[call.thread].tlbUBC = .empty }
            return copyMigratedPage(cpu, &call)
        case .remap:
            if scheme.movesBeforeBatchFlush { state.threads[call.thread].tlbUBC = .empty }
            return remapMigratedPage(cpu, &call)
        case .freeOld:
            // The old folio's last reference, which migration held since it unmapped the page:
            // back to the allocator (migrate_folio_done()).
            freeFrame(call.old.frame!)
            if isTracing { note(cpu, "migrate_pages", "free old frame \(call.old.frame!)") }
            finishOperation(call.thread)
            return .ret(shared: true)
        }
    }

    /// The PTE goes (reclaim) or becomes a migration entry (migration), under the PTL.
    mutating func clearPTE(_ cpu: Int, _ call: inout UnmapCall, function: String) -> StepOutcome {
        touch(.page(mm: call.mm, page: call.page), write: true)
        call.old = state.mms[call.mm].ptes[call.page]
        // The zero page is on no LRU list and never isolated (vm_normal_page() is NULL).
        guard let frame = call.old.frame, !call.old.isMigrationEntry, frame != state.frames.zeroPage else {
            if isTracing { note(cpu, function, "page \(call.page) not mapped (or the zero page): nothing to do") }
            call.old = .none
            call.pc = .unlockPTL
            return .shared
        }
        if call.migrates, state.frames.isShared(frame) {
            // Shared since fork(): rmap would unmap every mapping; the model moves one address
            // space's pages only, so this migration fails (-EAGAIN) and leaves it.
            if isTracing { note(cpu, function, "page \(call.page) is shared: not migrated") }
            call.old = .none
            call.pc = .unlockPTL
            return .shared
        }
        state.mms[call.mm].ptes[call.page] =
            call.migrates
            ? PTE(frame: nil, isPresent: false, isWritable: false, isProtNone: false, isMigrationEntry: true) : .none
        openRevocation(mm: call.mm, page: call.page, removesTranslation: true, thread: call.thread, op: call.op)
        if isTracing {
            note(
                cpu, function,
                "\(call.isDeferred ? "ptep_get_and_clear" : "ptep_clear_flush")(\(call.page)): was frame \(frame)")
        }
        // pte_accessible() needs no shared read for a present PTE.
        if call.old.isPresent { return afterAccessible(cpu, &call) }
        call.pc = .accessible
        return .shared
    }

    /// `pte_accessible()` said a TLB may hold the old PTE: batch the flush
    /// (`set_tlb_ubc_flush_pending()`), or flush the page now (`ptep_clear_flush()`).
    mutating func afterAccessible(_ cpu: Int, _ call: inout UnmapCall) -> StepOutcome {
        if call.isDeferred {
            call.pc = .incGen
            return .shared
        }
        call.pc = .unlockPTL
        return invoke(cpu, .flushTLBMMRange(.page(call.page, of: call.mm)), shared: true)
    }
}
