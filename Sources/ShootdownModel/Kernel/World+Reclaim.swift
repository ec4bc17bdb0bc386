/// Reclaim of one page with its TLB flush batched: the deferred flush that
/// `flush_tlb_batched_pending()` guards against.
///
/// Follows `shrink_folio_list()` (mm/vmscan.c, 6.6) -> `try_to_unmap(folio, TTU_BATCH_FLUSH)`
/// -> `try_to_unmap_one()` (mm/rmap.c): under the PTL, `should_defer_flush()`, then
/// `ptep_get_and_clear()` + `set_tlb_ubc_flush_pending()` (`pte_accessible()`,
/// `arch_tlbbatch_add_pending()`: `inc_mm_tlb_gen()` and `cpumask_or()` of `mm_cpumask`, then
/// `atomic_inc(&mm->tlb_flush_batched)`), or `ptep_clear_flush()` when no other CPU has the mm;
/// the anonymous page's PTE becomes a swap entry (here: empty, the next touch faults a new page
/// in). After the unmap, `try_to_unmap_flush()` -> `arch_tlbbatch_flush()` (arch/x86/mm/tlb.c),
/// and only then is the folio freed.
extension World {
    mutating func stepReclaim(_ cpu: Int, _ call: inout ReclaimCall) -> StepOutcome {
        let table = state.mms[call.mm].table(of: call.page)
        switch call.pc {
        case .lockPTL:
            touch(.ptl(mm: call.mm, table: table), write: true)
            state.mms[call.mm].ptlOwners[table] = cpu
            if isTracing { note(cpu, "try_to_unmap_one", "page_vma_mapped_walk: spin_lock(ptl)") }
            call.pc = .shouldDefer
            return .shared
        case .shouldDefer:
            // should_defer_flush() -> arch_tlbbatch_should_defer(): cpumask_any_but(mm_cpumask(mm), cpu).
            touch(.cpumask(mm: call.mm), write: false)
            call.isDeferred = state.mms[call.mm].cpumask.containsAny(but: cpu)
            if isTracing { note(cpu, "should_defer_flush", call.isDeferred ? "other CPUs: batch the flush" : "no") }
            call.pc = .clear
            return .shared
        case .clear:
            touch(.page(mm: call.mm, page: call.page), write: true)
            call.old = state.mms[call.mm].ptes[call.page]
            // The zero page is on no LRU list: shrink_folio_list() never sees it.
            guard call.old.frame != nil, !call.old.isMigrationEntry, call.old.frame != state.frames.zeroPage else {
                if isTracing { note(cpu, "try_to_unmap_one", "page \(call.page) not mapped (or the zero page)") }
                call.pc = .unlockPTL
                return .shared
            }
            state.mms[call.mm].ptes[call.page] = .none
            openRevocation(mm: call.mm, page: call.page, removesTranslation: true, thread: call.thread, op: call.op)
            if isTracing {
                note(
                    cpu, "try_to_unmap_one",
                    "\(call.isDeferred ? "ptep_get_and_clear" : "ptep_clear_flush")(\(call.page)): was frame \(call.old.frame!)"
                )
            }
            // pte_accessible() needs no shared read for a present PTE.
            if call.old.isPresent {
                return afterAccessible(cpu, &call, page: call.page)
            }
            call.pc = .accessible
            return .shared
        case .accessible:
            let cached = protNoneMayBeCached(mm: call.mm, page: call.page)
            if isTracing { note(cpu, "pte_accessible", "PROT_NONE, flush pending = \(cached)") }
            guard cached else {
                call.pc = .unlockPTL
                return .shared
            }
            return afterAccessible(cpu, &call, page: call.page)
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
            if isTracing { note(cpu, "try_to_unmap_one", "spin_unlock(ptl)") }
            guard call.old.frame != nil, !call.old.isMigrationEntry else {
                finishOperation(call.thread)
                return .ret(shared: true)
            }
            call.pc = .flush
            return .shared
        case .flush:
            // try_to_unmap_flush(): if (tlb_ubc->flush_required) arch_tlbbatch_flush(); then
            // cpumask_clear(&batch->cpumask), flush_required = false.
            call.pc = .free
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
        }
    }

    /// `pte_accessible()` said a TLB may hold the old PTE: batch the flush
    /// (`set_tlb_ubc_flush_pending()`), or flush the page now (`ptep_clear_flush()`).
    mutating func afterAccessible(_ cpu: Int, _ call: inout ReclaimCall, page: Int) -> StepOutcome {
        if call.isDeferred {
            call.pc = .incGen
            return .shared
        }
        call.pc = .unlockPTL
        return invoke(cpu, .flushTLBMMRange(.page(page, of: call.mm)), shared: true)
    }
}
