/// The initiator's side of a shootdown.
extension World {
    /// Follows `flush_tlb_mm_range()` in arch/x86/mm/tlb.c (6.6), with `native_flush_tlb_multi()`
    /// and `smp_call_function_many_cond(..., SCF_WAIT | SCF_RUN_LOCAL)` (kernel/smp.c) inlined:
    /// bump the generation, read the cpumask (twice, as the kernel does), queue an IPI to each other CPU that is not lazy
    /// (all of them when page tables were freed), run `flush_tlb_func()` locally, then wait
    /// for every acknowledgement with interrupts enabled.
    mutating func stepFlushTLBMMRange(_ cpu: Int, _ call: inout FlushTLBMMRangeCall) -> StepOutcome {
        switch call.pc {
        case .incGen:
            if scheme.flushStart == .nothingToFlush { return .ret(shared: false) }
            // "Should we flush just the requested range?": ((end - start) >> stride_shift) >
            // tlb_single_page_flush_ceiling, so huge pages count one each.
            if call.stride > 1 { counters.pmdFlushes += 1 }
            if let end = call.end, (end - call.start) / call.stride > scheme.flushCeiling {
                call.start = 0
                call.end = nil
            }
            call.pc = .anyOtherCPU
            if call.isBatch {
                // arch_tlbbatch_flush(): get_flush_tlb_info(NULL, 0, TLB_FLUSH_ALL, 0, false,
                // TLB_GENERATION_INVALID); the generations were bumped when the PTEs were cleared.
                state.cpus[cpu].flushInfo = FlushTLBInfo(
                    mm: nil, start: 0, end: nil, freedTables: false, newTLBGen: 0, initiatingCPU: cpu)
                if isTracing { note(cpu, "arch_tlbbatch_flush", "flush_tlb_info: mm = NULL, TLB_FLUSH_ALL, gen 0") }
                // 6.15: "if (cpu_feature_enabled(X86_FEATURE_INVLPGB) && batch->unmapped_pages)
                // invlpgb_flush_all_nonglobals();" (every batch the model flushes unmapped pages).
                if broadcasts { call.pc = .invlpgbAll }
                return .next
            }
            if let gen = call.presetGen ?? (scheme.flushStart == .withoutGeneration ? 0 : nil) {
                // flush_tlb_mm_range_gen() (RFC 15): the gather took its generation already.
                state.cpus[cpu].flushInfo = FlushTLBInfo(
                    mm: call.mm, start: call.start, end: call.end, freedTables: call.freedTables,
                    newTLBGen: gen, initiatingCPU: cpu, stride: call.stride)
                if isTracing {
                    note(cpu, "flush_tlb_mm_range_gen", "new_tlb_gen = defer_gen = \(gen) for \(describe(call))")
                }
                return .next
            }
            // "This is also a barrier that synchronizes with switch_mm()."
            touch(.tlbGen(mm: call.mm), write: true)
            state.mms[call.mm].tlbGen += 1
            let gen = state.mms[call.mm].tlbGen
            state.cpus[cpu].flushInfo = FlushTLBInfo(
                mm: call.mm, start: call.start, end: call.end, freedTables: call.freedTables,
                newTLBGen: gen, initiatingCPU: cpu, stride: call.stride)
            if isTracing {
                note(
                    cpu, "flush_tlb_mm_range",
                    "inc_mm_tlb_gen(\(scenario.mmName(call.mm))) = \(gen) for \(describe(call))")
            }
            call.isUnpublished = true
            if scheme.publishStepCount > 0 { call.pc = .publishStep(0) }
            // 6.15: "if (mm_global_asid(mm)) broadcast_tlb_flush(info);" before the cpumask.
            if broadcasts { call.pc = .readGlobalASID }
            return .shared
        case .publishStep(let index):
            S.publishStep(index, in: &self, cpu: cpu, mm: call.mm)
            call.isUnpublished = false
            call.pc = index + 1 < scheme.publishStepCount ? .publishStep(index + 1) : .anyOtherCPU
            return .shared
        case .anyOtherCPU:
            // The scheme publishes the range before any CPU is asked to read it (the ring's RO4).
            if call.isUnpublished {
                let info = state.cpus[cpu].flushInfo!
                let flush = PublishedFlush(
                    mm: call.mm, gen: info.newTLBGen, range: info.end.map { PageRange(info.start, $0) },
                    freedTables: info.freedTables, stride: info.stride)
                S.publish(flush, in: &self, cpu: cpu)
                call.isUnpublished = false
            }
            // if (cpumask_any_but(mm_cpumask(mm), cpu) < nr_cpu_ids)
            let mask = readTargetMask(cpu, call)
            if mask.containsAny(but: cpu) {
                // flush_tlb_multi() -> native_flush_tlb_multi(): count_vm_tlb_event(NR_TLB_REMOTE_FLUSH).
                counters.nrTLBRemoteFlush += 1
                let asksTrim = setup.hasTicks && !call.isBatch && scheme.loadedMMSwitching != .unread
                call.pc = asksTrim ? .shouldTrim : multiStart(call)
                if isTracing { note(cpu, "flush_tlb_mm_range", "mm_cpumask = \(cpuList(mask)): flush_tlb_multi") }
            } else if call.isBatch ? mask.contains(cpu) : state.cpus[cpu].tlbState.loadedMM == call.mm {
                call.pc = .localOnly
                if isTracing { note(cpu, "flush_tlb_mm_range", "mm_cpumask = \(cpuList(mask)): local flush only") }
            } else {
                call.pc = .finish
                if isTracing { note(cpu, "flush_tlb_mm_range", "mm_cpumask = \(cpuList(mask)): nobody to flush") }
            }
            return call.isBatch ? .next : .shared
        case .shouldTrim:
            // info->trim_cpumask = should_trim_cpumask(mm): "if (time_after(jiffies,
            // READ_ONCE(mm->context.next_trim_cpumask))) { WRITE_ONCE(..., jiffies + HZ); return
            // true; }" (6db2526c1d69).
            let due = state.mms[call.mm].trimDue
            touch(.nextTrim(mm: call.mm), write: due)
            if due {
                state.mms[call.mm].trimDue = false
                call.trimsCPUMask = true
            }
            if isTracing { note(cpu, "should_trim_cpumask", due ? "a second passed: trim_cpumask" : "not yet") }
            call.pc = multiStart(call)
            return .shared
        case .snapshotMask:
            // smp_call_function_many_cond(): cpumask_and(cfd->cpumask, mask, cpu_online_mask) reads
            // the mask again; CPUs that switched in or out since the first read count from here.
            let mask = readTargetMask(cpu, call)
            call.runsLocal = mask.contains(cpu)
            var others = mask
            others.remove(cpu)
            state.cpus[cpu].cfdMask = others
            call.pc = nextTarget(cpu)
            if isTracing {
                note(
                    cpu, "smp_call_function_many_cond",
                    "targets \(cpuList(others))\(call.runsLocal ? " and run_local" : "")")
            }
            return call.isBatch ? .next : .shared
        case .target(let target):
            let asksShouldFlush = asksShouldFlushTLB(call)
            if asksShouldFlush, scheme.readsLoadedMMFirst {
                // should_flush_tlb() (6.6.y with the CVE-2025-37964 fix): loaded_mm first,
                // smp_rmb(), then is_lazy ("Ensure 'is_lazy' is at least as new as 'loaded_mm'").
                call.targetLoadedMM = readLoadedMM(of: target)
                call.pc = .shouldFlush(cpu: target)
                return .shared
            }
            // on_each_cpu_cond_mask(tlb_is_not_lazy, ...) reads the target's is_lazy; with
            // freed_tables the kernel uses on_each_cpu_mask() and reads nothing, which the
            // scheme's decision reproduces by ignoring the value.
            touch(.isLazy(cpu: target), write: false)
            let lazy = state.cpus[target].tlbState.isLazy
            if let reason = S.skipReason(target: target, of: call, in: self) {
                call.pc = nextTarget(cpu)
                if isTracing { note(cpu, "flush_tlb_mm_range", "cpu\(target) \(reason): skip") }
                return .shared
            }
            if asksShouldFlush, !lazy {
                // Before the CVE-2025-37964 fix: is_lazy first, loaded_mm next.
                call.pc = .shouldFlush(cpu: target)
                return .shared
            }
            if scheme.sendsIPI(targetIsLazy: lazy, freedTables: call.interruptsEveryCPU) {
                call.pc = .queue(cpu: target)
                if isTracing { note(cpu, "flush_tlb_mm_range", "cpu\(target) is_lazy = \(lazy): send IPI") }
            } else {
                if lazy { counters.ipisSkippedLazy += 1 }
                call.pc = nextTarget(cpu)
                if isTracing { note(cpu, "flush_tlb_mm_range", "cpu\(target) is_lazy = \(lazy): skip") }
            }
            return .shared
        case .shouldFlush(let target):
            guard let loaded = call.targetLoadedMM else {
                // is_lazy was read at .target and is false: now loaded_mm.
                return decideShouldFlush(cpu, &call, target: target, loaded: readLoadedMM(of: target), isLazy: false)
            }
            call.targetLoadedMM = nil
            touch(.isLazy(cpu: target), write: false)
            return decideShouldFlush(
                cpu, &call, target: target, loaded: loaded, isLazy: state.cpus[target].tlbState.isLazy)
        case .queue(let target):
            // __smp_call_single_queue(): llist_add() to the target's call_single_queue.
            touch(.mailbox(cpu: target), write: true)
            touch(updating: .acks(cpu: cpu))
            state.cpus[target].mailbox.append(state.cpus[cpu].flushInfo!)
            state.cpus[cpu].pendingAcks += 1
            counters.ipisSent += 1
            call.pc = nextTarget(cpu)
            if isTracing { note(cpu, "flush_tlb_mm_range", "IPI -> cpu\(target)") }
            return .shared
        case .runLocal:
            call.pc = .wait
            // run_local: this CPU is in the mask and cond_func(this_cpu): tlb_is_not_lazy(), or
            // should_flush_tlb() with its own loaded_mm (a lazy mm_cpumask can hold this CPU
            // while it runs another mm); no condition when page tables were freed. Every operation
            // the model has flushes the mm its thread runs, so the skip waits for one that does not
            // (khugepaged, process_madvise).
            let own = state.cpus[cpu].tlbState
            // native_flush_tlb_multi(): "if (info->freed_tables) on_each_cpu_mask(cpumask,
            // flush_tlb_func, (void *)info, true);": no cond_func, so a lazy initiator (a task
            // past exit_mm() whose exit_mmap() flushes) runs it too.
            guard call.runsLocal, !own.isLazy || call.freedTables else { return .next }
            if asksShouldFlushTLB(call),
                !scheme.shouldFlushTLB(
                    loaded: .mm(own.loadedMM), mm: call.isBatch ? nil : call.mm, trim: call.trimsCPUMask)
            {
                if isTracing { note(cpu, "should_flush_tlb", "this cpu runs \(scenario.mmName(own.loadedMM)): skip") }
                return .next
            }
            return invoke(
                cpu,
                .flushTLBFunc(FlushTLBFuncCall(info: state.cpus[cpu].flushInfo!, isLocal: true)), shared: false)
        case .wait:
            // csd_lock_wait() for every target: all acknowledged (wait(of:on:) held us until then).
            touch(.acks(cpu: cpu), write: false)
            if isTracing { note(cpu, "flush_tlb_mm_range", "all IPIs acknowledged") }
            // 6.15: broadcast_tlb_flush() goes on to __tlbsync(); flush_tlb_mm_range() to
            // consider_global_asid(mm).
            call.pc = call.isBroadcast ? .tlbsync : broadcasts && !call.isBatch ? .considerGlobalASID : .finish
            return .shared
        case .localOnly:
            // local_irq_disable(); flush_tlb_func(info); local_irq_enable();
            call.pc = .finish
            return invoke(
                cpu,
                .flushTLBFunc(FlushTLBFuncCall(info: state.cpus[cpu].flushInfo!, isLocal: true)), shared: false)
        case .readGlobalASID, .transitionCheck, .transitionMask, .transitionCPU, .clearTransition, .tlbsync,
            .multiTransitionCheck, .considerGlobalASID, .useGlobalASID, .invlpgbAll:
            return stepBroadcast(cpu, &call)
        case .finish:
            // put_flush_tlb_info(); put_cpu();
            let gen = state.cpus[cpu].flushInfo?.newTLBGen ?? 0
            state.cpus[cpu].flushInfo = nil
            guard scheme.keepsCompletedGeneration, !call.isBatch else { return .ret(shared: false) }
            // RFC 08: mark_mm_tlb_gen_done(mm, new_tlb_gen), an atomic max.
            touch(.flushPending(mm: call.mm), write: true)
            state.mms[call.mm].tlbGenCompleted = max(state.mms[call.mm].tlbGenCompleted, gen)
            if isTracing {
                note(
                    cpu, "flush_tlb_mm_range",
                    "mark_mm_tlb_gen_done: tlb_gen_completed = \(state.mms[call.mm].tlbGenCompleted)")
            }
            return .ret(shared: true)
        }
    }

    /// The CPUs a flush goes to: `mm_cpumask(mm)` (a shared read), or the reclaiming task's own
    /// batch cpumask for `arch_tlbbatch_flush()`.
    mutating func readTargetMask(_ cpu: Int, _ call: FlushTLBMMRangeCall) -> CPUMask {
        if call.isBatch { return state.threads[state.cpus[cpu].current!].tlbUBC }
        touch(.cpumask(mm: call.mm), write: false)
        return state.mms[call.mm].cpumask
    }

    /// Whether `native_flush_tlb_multi()` asks `should_flush_tlb()` of each CPU: where the scheme
    /// has it (it reads `loaded_mm`), and only when no page table was freed and the mm is not in
    /// its ASID transition (then the kernel uses `on_each_cpu_mask()` and reads nothing of the
    /// target).
    func asksShouldFlushTLB(_ call: FlushTLBMMRangeCall) -> Bool {
        scheme.loadedMMSwitching != .unread && !call.interruptsEveryCPU
    }

    /// Where `flush_tlb_multi()` starts: with global ASIDs, `native_flush_tlb_multi()` first
    /// reads `mm_in_asid_transition(info->mm)` (a batch has no mm: `mm_in_asid_transition(NULL)`
    /// is false without a read).
    func multiStart(_ call: FlushTLBMMRangeCall) -> FlushTLBMMRangeCall.PC {
        broadcasts && !call.isBatch ? .multiTransitionCheck : .snapshotMask
    }

    /// `per_cpu(cpu_tlbstate.loaded_mm, target)`, one shared read.
    mutating func readLoadedMM(of target: Int) -> RemoteLoadedMM {
        touch(.loadedMM(cpu: target), write: false)
        let s = state.cpus[target].tlbState
        return s.isSwitching ? .switching : .mm(s.loadedMM)
    }

    /// `should_flush_tlb()` once both reads are done (stable 6.6.y, 6.14+; `trim_cpumask` only
    /// where a scenario lets a second pass, ``Operation/tick``). A lazy target is
    /// skipped: "Lazy TLB will get flushed at the next context switch."
    mutating func decideShouldFlush(
        _ cpu: Int, _ call: inout FlushTLBMMRangeCall, target: Int, loaded: RemoteLoadedMM, isLazy: Bool
    ) -> StepOutcome {
        guard !isLazy else {
            counters.ipisSkippedLazy += 1
            call.pc = nextTarget(cpu)
            if isTracing { note(cpu, "should_flush_tlb", "cpu\(target) is_lazy: skip") }
            return .shared
        }
        let flushes = scheme.shouldFlushTLB(loaded: loaded, mm: call.isBatch ? nil : call.mm, trim: call.trimsCPUMask)
        call.pc = flushes ? .queue(cpu: target) : nextTarget(cpu)
        if isTracing {
            let name =
                switch loaded {
                case .switching: "LOADED_MM_SWITCHING"
                case .mm(let mm): scenario.mmName(mm)
                }
            note(cpu, "should_flush_tlb", "cpu\(target) loaded_mm = \(name): \(flushes ? "send IPI" : "skip")")
        }
        return .shared
    }

    /// The next candidate CPU to consider, or the local run once all were considered.
    mutating func nextTarget(_ cpu: Int) -> FlushTLBMMRangeCall.PC {
        guard let target = state.cpus[cpu].cfdMask.first else { return .runLocal }
        state.cpus[cpu].cfdMask.remove(target)
        return .target(cpu: target)
    }

    func cpuList(_ mask: CPUMask) -> String {
        "{" + mask.map { "cpu\($0)" }.joined(separator: ",") + "}"
    }
}
