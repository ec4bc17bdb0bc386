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
        // A global ASID (6.15) has no ctxs[] slot: flush_tlb_func() returns before reading one.
        let localTLBGen = isGlobalASID(asid) ? 0 : tlbState.ctxs[asid].tlbGen
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
            if broadcasts {
                call.pc = .globalCheck
                return .next
            }
            return beforeGenerations(cpu, &call, localTLBGen: localTLBGen, shared: false)
        case .globalCheck:
            // 6.15: "Reload the ASID if transitioning into or out of a global ASID":
            // if (mm_needs_global_asid(loaded_mm, loaded_mm_asid)) switch_mm_irqs_off(NULL, loaded_mm, NULL);
            touch(.globalASID(mm: loadedMM), write: false)
            let global = state.mms[loadedMM].globalASID
            if global != 0, asid != global {
                if isTracing {
                    note(cpu, "flush_tlb_func", "\(scenario.mmName(loadedMM)) has global ASID \(global): reload")
                }
                call.pc = .afterReload
                return invoke(cpu, .switchMM(SwitchMMCall(next: loadedMM)), shared: true)
            }
            return afterReload(cpu, &call, localTLBGen: localTLBGen, shared: true)
        case .afterReload:
            return afterReload(cpu, &call, localTLBGen: localTLBGen, shared: false)
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
            case .range(let range, let stride):
                let invalidations = state.cpus[cpu].tlb.invalidate(
                    asid: asid, pages: range.start..<range.end, stride: stride)
                countRanged(pages: invalidations, isLocal: call.isLocal)
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
            // pendingAcks -= 1: commutes with the other targets' acknowledgements.
            touch(updating: .acks(cpu: f.initiatingCPU))
            state.cpus[f.initiatingCPU].pendingAcks -= 1
            if isTracing { note(cpu, "flush_tlb_func", "ack -> cpu\(f.initiatingCPU)") }
            return .ret(shared: true)
        }
    }

    /// 6.15, after the global-ASID reload (or none): "Broadcast ASIDs are always kept up to date
    /// with INVLPGB", `if (is_global_asid(loaded_mm_asid)) return;`, else on to the lazy check.
    /// `shared`: this step already made its shared access.
    mutating func afterReload(
        _ cpu: Int, _ call: inout FlushTLBFuncCall, localTLBGen: UInt64, shared: Bool
    ) -> StepOutcome {
        let asid = state.cpus[cpu].tlbState.loadedASID
        guard isGlobalASID(asid) else { return beforeGenerations(cpu, &call, localTLBGen: localTLBGen, shared: shared) }
        call.pc = .ack
        if isTracing { note(cpu, "flush_tlb_func", "global ASID \(asid): return") }
        return shared ? .shared : .next
    }

    /// `flush_tlb_func()` from its lazy check to its early exit, before it reads the mm's
    /// generation (`.readGen`, the next step). `shared`: this step already made its shared access.
    mutating func beforeGenerations(
        _ cpu: Int, _ call: inout FlushTLBFuncCall, localTLBGen: UInt64, shared: Bool
    ) -> StepOutcome {
        let f = call.info
        let done: StepOutcome = shared ? .shared : .next
        call.pc = .ack
        if state.cpus[cpu].tlbState.isLazy {
            // Leave lazy mode instead of flushing: switch_mm_irqs_off(NULL, &init_mm, NULL).
            if isTracing { note(cpu, "flush_tlb_func", "is_lazy: switch to init_mm") }
            return invoke(cpu, .switchMM(SwitchMMCall(next: initMM)), shared: shared)
        }
        let asid = state.cpus[cpu].tlbState.loadedASID
        if S.handlesWithoutGenerations(f, in: &self, cpu: cpu, asid: asid, isLocal: call.isLocal) {
            return done
        }
        if scheme.isAlreadyCovered(newTLBGen: f.newTLBGen, localTLBGen: localTLBGen) {
            if isTracing {
                note(cpu, "flush_tlb_func", "new_tlb_gen \(f.newTLBGen) <= local_tlb_gen \(localTLBGen): return")
            }
            return done
        }
        call.pc = .readGen
        return done
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
