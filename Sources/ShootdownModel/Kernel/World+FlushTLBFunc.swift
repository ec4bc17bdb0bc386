/// The receiving side of a shootdown.
extension World {
    /// The IPI arrives: `generic_smp_call_function_single_interrupt()` takes the oldest entry of
    /// the call_single_queue (the shared access) and calls `flush_tlb_func()` with the
    /// initiator's `flush_tlb_info`.
    mutating func deliverIPI(_ cpu: Int) {
        touch(.mailbox(cpu: cpu), write: true)
        let info = state.cpus[cpu].mailbox.removeFirst()
        if isTracing {
            note(cpu, "flush_tlb_func", "IPI from cpu\(info.initiatingCPU): new_tlb_gen = \(info.newTLBGen)")
        }
        state.cpus[cpu].stack.append(.flushTLBFunc(FlushTLBFuncCall(info: info, isLocal: false)))
    }

    /// Follows `flush_tlb_func()` in arch/x86/mm/tlb.c (6.6), interrupts off.
    mutating func stepFlushTLBFunc(_ cpu: Int, _ call: inout FlushTLBFuncCall) -> StepOutcome {
        let f = call.info
        let tlbState = state.cpus[cpu].tlbState
        let loadedMM = tlbState.loadedMM
        let asid = tlbState.loadedASID
        let localTLBGen = tlbState.ctxs[asid].tlbGen
        switch call.pc {
        case .start:
            call.pc = .ack
            if !call.isLocal { counters.nrTLBRemoteFlushReceived += 1 }
            // 6.6, remote only ("Can only happen on remote CPUs"): if (f->mm && f->mm != loaded_mm)
            // return; 6.14, local too (953753db887f): "The CPU was left in the mm_cpumask of the
            // target mm. Clear it." cpumask_clear_cpu(); trace_tlb_flush(TLB_REMOTE_WRONG_CPU, 0).
            if let mm = f.mm, mm != loadedMM, !call.isLocal || scheme.updatesCPUMaskLazily {
                if isTracing {
                    note(
                        cpu, "flush_tlb_func",
                        "loaded_mm is \(scenario.mmName(loadedMM)), not \(scenario.mmName(mm)): "
                            + (scheme.updatesCPUMaskLazily ? "cpumask_clear_cpu(cpu\(cpu)), return" : "return"))
                }
                guard scheme.updatesCPUMaskLazily else { return .next }
                touch(.cpumask(mm: mm), write: true)
                state.mms[mm].cpumask.remove(cpu)
                counters.cpumaskTrims += 1
                return .shared
            }
            if loadedMM == initMM { return .next }
            if tlbState.isLazy {
                // Leave lazy mode instead of flushing: switch_mm_irqs_off(NULL, &init_mm, NULL).
                if isTracing { note(cpu, "flush_tlb_func", "is_lazy: switch to init_mm") }
                return invoke(cpu, .switchMM(SwitchMMCall(next: initMM)), shared: false)
            }
            if S.handlesWithoutGenerations(f, in: &self, cpu: cpu, asid: asid, isLocal: call.isLocal) {
                return .next
            }
            if scheme.isAlreadyCovered(newTLBGen: f.newTLBGen, localTLBGen: localTLBGen) {
                if isTracing {
                    note(cpu, "flush_tlb_func", "new_tlb_gen \(f.newTLBGen) <= local_tlb_gen \(localTLBGen): return")
                }
                return .next
            }
            call.pc = .readGen
            return .next
        case .readGen:
            call.pc = .ack
            // "Defer mm_tlb_gen reading as long as possible to avoid cache contention."
            touch(.tlbGen(mm: loadedMM), write: false)
            let mmTLBGen = state.mms[loadedMM].tlbGen
            // WARN_ON_ONCE(local_tlb_gen > mm_tlb_gen); WARN_ON_ONCE(f->new_tlb_gen > mm_tlb_gen);
            assert(localTLBGen <= mmTLBGen && f.newTLBGen <= mmTLBGen, "generation ran ahead of the mm")
            if localTLBGen == mmTLBGen {
                if isTracing { note(cpu, "flush_tlb_func", "local_tlb_gen == mm_tlb_gen = \(mmTLBGen): done") }
                return .shared
            }
            let plan = S.catchUp(f, in: &self, cpu: cpu, asid: asid, mm: loadedMM, from: localTLBGen, to: mmTLBGen)
            switch plan {
            case .full:
                fullFlush(cpu, asid: asid, isLocal: call.isLocal)
            case .range(let range):
                state.cpus[cpu].tlb.invalidate(asid: asid, pages: range.start..<range.end)
                countRanged(pages: range.end - range.start, isLocal: call.isLocal)
                flushPagingStructures(cpu, asid: asid)
            case .recorded(let pages):
                S.applyRecorded(
                    pages: pages, in: &self, cpu: cpu, asid: asid, mm: loadedMM, from: localTLBGen, to: mmTLBGen)
                countRanged(pages: pages, isLocal: call.isLocal)
                if pages > 0 { flushPagingStructures(cpu, asid: asid) }
            }
            if isTracing {
                note(
                    cpu, "flush_tlb_func",
                    "local \(localTLBGen), new \(f.newTLBGen), mm \(mmTLBGen): "
                        + "\(scheme.describe(plan, from: localTLBGen, to: mmTLBGen)); local_tlb_gen = \(mmTLBGen)")
            }
            // "Both paths above update our state to mm_tlb_gen."
            state.cpus[cpu].tlbState.ctxs[asid].tlbGen = mmTLBGen
            return .shared
        case .ack:
            if call.isLocal { return .ret(shared: false) }
            // csd_unlock(): the initiator's csd_lock_wait() may now return.
            touch(.acks(cpu: f.initiatingCPU), write: true)
            state.cpus[f.initiatingCPU].pendingAcks -= 1
            if isTracing { note(cpu, "flush_tlb_func", "ack -> cpu\(f.initiatingCPU)") }
            return .ret(shared: true)
        }
    }

    /// `flush_tlb_local()` in `flush_tlb_func()`, counted as the kernel's vm events count it.
    mutating func fullFlush(_ cpu: Int, asid: Int, isLocal: Bool) {
        counters.entriesFlushed += state.cpus[cpu].tlb.flush(asid: asid)
        flushPagingStructures(cpu, asid: asid)
        if isLocal {
            counters.fullFlushesLocal += 1
            counters.nrTLBLocalFlushAll += 1
        } else {
            counters.fullFlushesIPI += 1
        }
    }

    /// A ranged flush of `pages` INVLPGs in `flush_tlb_func()`.
    mutating func countRanged(pages: Int, isLocal: Bool) {
        counters.pagesInvalidated += pages
        if isLocal {
            counters.rangedFlushesLocal += 1
            counters.nrTLBLocalFlushOne += pages
        } else {
            counters.rangedFlushesIPI += 1
        }
    }
}
