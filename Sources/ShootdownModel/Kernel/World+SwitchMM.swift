/// Context switches: `switch_mm_irqs_off()`, `choose_new_asid()`, `enter_lazy_tlb()`.
extension World {
    /// Follows `switch_mm_irqs_off()` in arch/x86/mm/tlb.c (6.6; 6.6.y and 6.14 where the scheme
    /// says: ``Scheme/loadedMMSwitching``, ``Scheme/updatesCPUMaskLazily``), interrupts off.
    mutating func stepSwitchMM(_ cpu: Int, _ call: inout SwitchMMCall) -> StepOutcome {
        let next = call.next
        switch call.pc {
        case .start:
            let tlbState = state.cpus[cpu].tlbState
            call.prev = tlbState.loadedMM
            call.prevASID = tlbState.loadedASID
            call.wasLazy = tlbState.isLazy
            call.pc = call.wasLazy ? .clearLazy : .branch
            return .next
        case .clearLazy:
            // "if (was_lazy) this_cpu_write(cpu_tlbstate_shared.is_lazy, false);"
            touch(.isLazy(cpu: cpu), write: true)
            state.cpus[cpu].tlbState.isLazy = false
            if isTracing { note(cpu, "switch_mm_irqs_off", "is_lazy = false") }
            call.pc = .branch
            return .shared
        case .branch:
            if call.prev == next {
                if broadcasts, next != initMM {
                    call.pc = .sameMMGlobalCheck
                    return .next
                }
                // "If the CPU is not in lazy TLB mode, we are just switching from one thread in
                // a process to another thread in the same process. No TLB flush required."
                guard call.wasLazy else {
                    if isTracing {
                        note(cpu, "switch_mm_irqs_off", "same mm \(scenario.mmName(next)), not lazy: nothing to do")
                    }
                    return .ret(shared: false)
                }
                call.pc = .sameMMReadGen
            } else if scheme.loadedMMSwitching == .beforeGenRead {
                call.pc = .markSwitching
            } else if scheme.loadedMMSwitching == .beforeGenReadUnfenced {
                // The store goes to the store buffer: no other CPU sees it until it drains
                // (.setNextMask's locked instruction, or the CR3 write).
                if isTracing { note(cpu, "switch_mm_irqs_off", "loaded_mm = LOADED_MM_SWITCHING (store buffered)") }
                call.pc = firstMaskStep(call)
            } else {
                call.pc = firstMaskStep(call)
            }
            return .next
        case .markSwitching:
            // this_cpu_write(cpu_tlbstate.loaded_mm, LOADED_MM_SWITCHING); barrier(); -- read by
            // should_flush_tlb() on other CPUs. The store is ordered before the tlb_gen load that
            // follows it (6.6.y: cpumask_set_cpu()'s locked instruction; mainline adds smp_mb()).
            touch(.loadedMM(cpu: cpu), write: true)
            state.cpus[cpu].tlbState.isSwitching = true
            if isTracing { note(cpu, "switch_mm_irqs_off", "loaded_mm = LOADED_MM_SWITCHING") }
            call.pc = scheme.loadedMMSwitching.isBeforeGenRead ? firstMaskStep(call) : .loadCR3
            return .shared
        case .loadCR3:
            finishSwitch(
                cpu, next: next, asid: call.asid, nextTLBGen: call.nextTLBGen, needFlush: call.needFlush,
                why: "ASID \(call.asid), tlb_gen \(call.nextTLBGen) read before")
            return .ret(shared: true)
        case .sameMMReadGen:
            // smp_mb(); next_tlb_gen = atomic64_read(&next->context.tlb_gen);
            touch(.tlbGen(mm: next), write: false)
            let nextTLBGen = state.mms[next].tlbGen
            let local = state.cpus[cpu].tlbState.ctxs[call.prevASID].tlbGen
            if scheme.lazyReturnIsCurrent(localTLBGen: local, mmTLBGen: nextTLBGen) {
                S.switchedWithoutFlush(in: &self, cpu: cpu, asid: call.prevASID)
                if isTracing {
                    note(
                        cpu, "switch_mm_irqs_off",
                        "back from lazy to \(scenario.mmName(next)): ctxs tlb_gen \(local), mm tlb_gen \(nextTLBGen): keep TLB"
                    )
                }
                return .ret(shared: true)
            }
            // "TLB contents went out of date while we were in lazy mode."
            if let plan = S.switchCatchUp(
                in: &self, cpu: cpu, asid: call.prevASID, mm: next, from: local, to: nextTLBGen)
            {
                applySwitchCatchUp(plan, cpu: cpu, mm: next, asid: call.prevASID, from: local, to: nextTLBGen)
                return .ret(shared: true)
            }
            loadNewMM(
                cpu, next: next, asid: call.prevASID, nextTLBGen: nextTLBGen, needFlush: true,
                why: "back from lazy, tlb_gen \(local) != \(nextTLBGen)")
            return .ret(shared: true)
        case .clearPrevMask:
            // "Stop remote flushes for the previous mm."
            let drained = drainSwitchingStore(cpu)
            touch(.cpumask(mm: call.prev), write: true)
            state.mms[call.prev].cpumask.remove(cpu)
            counters.cpumaskSwitchWrites += 1
            if isTracing {
                note(
                    cpu, "switch_mm_irqs_off",
                    "\(drained ? "LOADED_MM_SWITCHING drains; " : "")cpumask_clear_cpu(cpu\(cpu), \(scenario.mmName(call.prev)))"
                )
            }
            call.pc = next != initMM ? .setNextMask : .readGen
            return .shared
        case .setNextMask:
            // "Start receiving IPIs and then read tlb_gen"
            call.pc = .readGen
            if scheme.updatesCPUMaskLazily {
                // 6.14 (209954cbc7d0): if (next != &init_mm && !cpumask_test_cpu(cpu, mm_cpumask(next)))
                // cpumask_set_cpu(cpu, mm_cpumask(next)); else smp_mb(); (83b0177a6c48). Only this
                // CPU clears its own bit (flush_tlb_func(), interrupts off), so the test and the
                // set are one step.
                touch(.cpumask(mm: next), write: false)
                if state.mms[next].cpumask.contains(cpu) {
                    if isTracing {
                        note(
                            cpu, "switch_mm_irqs_off",
                            "cpu\(cpu) already in \(scenario.mmName(next))'s mm_cpumask: "
                                + (scheme.loadedMMSwitching == .beforeGenReadUnfenced
                                    ? "no smp_mb(), LOADED_MM_SWITCHING stays in the store buffer"
                                    : "smp_mb()"))
                    }
                    return .shared
                }
            }
            let drained = drainSwitchingStore(cpu)
            touch(.cpumask(mm: next), write: true)
            state.mms[next].cpumask.insert(cpu)
            counters.cpumaskSwitchWrites += 1
            if isTracing {
                note(
                    cpu, "switch_mm_irqs_off",
                    "\(drained ? "LOADED_MM_SWITCHING drains; " : "")cpumask_set_cpu(cpu\(cpu), \(scenario.mmName(next)))"
                )
            }
            return .shared
        case .sameMMGlobalCheck:
            // 6.15: "Check if the current mm is transitioning to a global ASID":
            // if (mm_needs_global_asid(next, prev_asid)) { next_tlb_gen = ...; ns =
            // choose_new_asid(next, next_tlb_gen); goto reload_tlb; }
            touch(.globalASID(mm: next), write: false)
            let global = state.mms[next].globalASID
            if global != 0, call.prevASID != global {
                if isTracing { note(cpu, "switch_mm_irqs_off", "same mm, global ASID \(global) assigned: reload") }
                call.pc = .readGen
                return .shared
            }
            // "Broadcast TLB invalidation keeps this ASID up to date all the time."
            if isGlobalASID(call.prevASID) || !call.wasLazy {
                if isTracing {
                    note(
                        cpu, "switch_mm_irqs_off",
                        isGlobalASID(call.prevASID)
                            ? "same mm on global ASID \(call.prevASID): nothing to do"
                            : "same mm \(scenario.mmName(next)), not lazy: nothing to do")
                }
                return .ret(shared: true)
            }
            call.pc = .sameMMReadGen
            return .shared
        case .chooseASID:
            // 6.15 choose_new_asid(): "Global ASIDs are always up to date": if
            // (mm_global_asid(next)) { ns.asid = global_asid; ns.need_flush = 0; }
            touch(.globalASID(mm: next), write: false)
            let global = state.mms[next].globalASID
            let (asid, needFlush, why) =
                global != 0
                ? (global, false, "global ASID \(global)") : chooseNewASID(cpu, next: next, nextTLBGen: call.nextTLBGen)
            return afterChooseASID(cpu, &call, asid: asid, needFlush: needFlush, nextTLBGen: call.nextTLBGen, why: why)
        case .readGen:
            if next != initMM { touch(.tlbGen(mm: next), write: false) }
            let nextTLBGen = next == initMM ? 0 : state.mms[next].tlbGen
            if broadcasts, next != initMM {
                // choose_new_asid() reads the mm's global ASID after this: a step of its own.
                call.nextTLBGen = nextTLBGen
                call.pc = .chooseASID
                return .shared
            }
            let (asid, needFlush, why) = chooseNewASID(cpu, next: next, nextTLBGen: nextTLBGen)
            return afterChooseASID(cpu, &call, asid: asid, needFlush: needFlush, nextTLBGen: nextTLBGen, why: why)
        }
    }

    /// The different-mm path once `choose_new_asid()` answered: the CR3 write now, or (where
    /// other CPUs read `loaded_mm`) in a step of its own.
    mutating func afterChooseASID(
        _ cpu: Int, _ call: inout SwitchMMCall, asid: Int, needFlush: Bool, nextTLBGen: UInt64, why: String
    ) -> StepOutcome {
        if scheme.loadedMMSwitching != .unread {
            // Where other CPUs read loaded_mm, its store is a step of its own after the
            // tlb_gen read (the window CVE-2025-37964 is about), and 6.6.y's backport stores
            // LOADED_MM_SWITCHING only now, between the two.
            (call.asid, call.needFlush, call.nextTLBGen) = (asid, needFlush, nextTLBGen)
            call.pc = scheme.loadedMMSwitching == .afterGenRead ? .markSwitching : .loadCR3
            if isTracing {
                note(
                    cpu, "switch_mm_irqs_off",
                    "next_tlb_gen = \(nextTLBGen); choose_new_asid: \(why)\(needFlush ? ", flush" : "")")
            }
            return .shared
        }
        finishSwitch(cpu, next: call.next, asid: asid, nextTLBGen: nextTLBGen, needFlush: needFlush, why: why)
        return .ret(shared: true)
    }

    /// The different-mm path's first cpumask step: clear the previous mm's bit (not with the
    /// lazy mm_cpumask: "Leave this CPU in prev's mm_cpumask"), set the next mm's, or neither
    /// (`init_mm` on both sides).
    func firstMaskStep(_ call: SwitchMMCall) -> SwitchMMCall.PC {
        if call.prev != initMM, !scheme.updatesCPUMaskLazily { return .clearPrevMask }
        return call.next != initMM ? .setNextMask : .readGen
    }

    /// A locked instruction (`cpumask_set_cpu()`, `cpumask_clear_cpu()`) drains the store
    /// buffer: a buffered `loaded_mm = LOADED_MM_SWITCHING`
    /// (``LoadedMMSwitching/beforeGenReadUnfenced``) becomes visible before the instruction's
    /// own write. Returns whether a store drained.
    mutating func drainSwitchingStore(_ cpu: Int) -> Bool {
        guard scheme.loadedMMSwitching == .beforeGenReadUnfenced, !state.cpus[cpu].tlbState.isSwitching else {
            return false
        }
        touch(.loadedMM(cpu: cpu), write: true)
        state.cpus[cpu].tlbState.isSwitching = true
        return true
    }

    /// The different-mm path after `choose_new_asid()`: `load_new_mm_cr3()` with or without a
    /// flush, or the scheme's catch-up (the ring's) instead of the flush.
    mutating func finishSwitch(
        _ cpu: Int, next: Int, asid: Int, nextTLBGen: UInt64, needFlush: Bool, why: @autoclosure () -> String
    ) {
        // A global ASID (6.15) never needs a flush here and has no ctxs[] slot.
        let local = needFlush ? state.cpus[cpu].tlbState.ctxs[asid].tlbGen : 0
        let ownSlot = next != initMM && needFlush && state.cpus[cpu].tlbState.ctxs[asid].ctxID == state.mms[next].ctxID
        if needFlush, ownSlot, local < nextTLBGen,
            let plan = S.switchCatchUp(in: &self, cpu: cpu, asid: asid, mm: next, from: local, to: nextTLBGen)
        {
            // The scheme's plan (the ring's): CR3 without a flush, then INVLPG in the new PCID
            // (INVLPG acts on the current one only).
            loadNewMM(cpu, next: next, asid: asid, nextTLBGen: local, needFlush: false, why: why())
            applySwitchCatchUp(plan, cpu: cpu, mm: next, asid: asid, from: local, to: nextTLBGen)
            return
        }
        loadNewMM(cpu, next: next, asid: asid, nextTLBGen: nextTLBGen, needFlush: needFlush, why: why())
    }

    /// INVLPGs the plan in the loaded `asid` and records the ASID caught up to `target`.
    mutating func applySwitchCatchUp(
        _ plan: CatchUp, cpu: Int, mm: Int, asid: Int, from local: UInt64, to target: UInt64
    ) {
        switch plan {
        case .full:
            preconditionFailure("a full flush is the CR3 write's, not a catch-up's")
        case .range(let range, let stride):
            counters.pagesInvalidated += state.cpus[cpu].tlb.invalidate(
                asid: asid, pages: range.start..<range.end, stride: stride)
            flushPagingStructures(cpu, asid: asid)
        case .recorded(let pages):
            S.applyRecorded(pages: pages, in: &self, cpu: cpu, asid: asid, mm: mm, from: local, to: target)
            counters.pagesInvalidated += pages
            if pages > 0 { flushPagingStructures(cpu, asid: asid) }
        }
        counters.rangedFlushesSwitch += 1
        state.cpus[cpu].tlbState.ctxs[asid].tlbGen = target
    }

    /// Follows `choose_new_asid()` in arch/x86/mm/tlb.c (6.6): without PCID, ASID 0 and a
    /// flush; with it, the mm's own slot if this CPU still has one (flush if it fell behind),
    /// else the round-robin victim.
    mutating func chooseNewASID(_ cpu: Int, next: Int, nextTLBGen: UInt64) -> (asid: Int, needFlush: Bool, why: String)
    {
        if !scenario.hasPCID, !scheme.allocatesASIDsWithoutPCID {
            return (0, true, "no PCID: ASID 0")
        }
        let ctxID = next == initMM ? initMMCtxID : state.mms[next].ctxID
        let ctxs = state.cpus[cpu].tlbState.ctxs
        if let asid = ctxs.firstIndex(where: { $0.ctxID == ctxID }) {
            let local = ctxs[asid].tlbGen
            let needFlush = scheme.asidNeedsFlush(localTLBGen: local, mmTLBGen: nextTLBGen)
            return (asid, needFlush, "ASID \(asid) tlb_gen \(local) vs \(nextTLBGen)")
        }
        var asid = state.cpus[cpu].tlbState.nextASID
        state.cpus[cpu].tlbState.nextASID += 1
        if asid >= tlbNrDynASIDs {
            asid = 0
            state.cpus[cpu].tlbState.nextASID = 1
        }
        if ctxs[asid].ctxID != 0 { counters.asidEvictions += 1 }
        return (asid, true, "new ASID \(asid)")
    }

    /// The tail of `switch_mm_irqs_off()`: record the slot, then `load_new_mm_cr3()` with or
    /// without a flush of that ASID, then `loaded_mm`/`loaded_mm_asid`.
    mutating func loadNewMM(_ cpu: Int, next: Int, asid: Int, nextTLBGen: UInt64, needFlush: Bool, why: String) {
        leavePagingStructures(cpu)
        if needFlush {
            let ctxID = next == initMM ? initMMCtxID : state.mms[next].ctxID
            state.cpus[cpu].tlbState.ctxs[asid] = ASIDContext(ctxID: ctxID, tlbGen: nextTLBGen)
            counters.entriesFlushed += state.cpus[cpu].tlb.flush(asid: asid)
            counters.fullFlushesSwitch += 1
        }
        // barrier(); "Make sure we write CR3 before loaded_mm."
        if scheme.loadedMMSwitching != .unread {
            touch(.loadedMM(cpu: cpu), write: true)
            state.cpus[cpu].tlbState.isSwitching = false
        }
        state.cpus[cpu].tlbState.loadedMM = next
        state.cpus[cpu].tlbState.loadedASID = asid
        if !needFlush { S.switchedWithoutFlush(in: &self, cpu: cpu, asid: asid) }
        loadPagingStructures(cpu, asid: asid, flushed: needFlush)
        if isTracing {
            note(
                cpu, "switch_mm_irqs_off",
                "\(scenario.mmName(next)): \(why): \(needFlush ? "CR3 with flush" : "CR3 | NOFLUSH")")
        }
    }

    /// Follows `enter_lazy_tlb()` in arch/x86/mm/tlb.c: keep the mm loaded, mark the CPU lazy.
    mutating func enterLazyTLB(_ cpu: Int) -> StepOutcome {
        let loaded = state.cpus[cpu].tlbState.loadedMM
        guard loaded != initMM else { return .ret(shared: false) }
        touch(.isLazy(cpu: cpu), write: true)
        state.cpus[cpu].tlbState.isLazy = true
        if isTracing { note(cpu, "enter_lazy_tlb", "is_lazy = true (\(scenario.mmName(loaded)) stays loaded)") }
        return .ret(shared: true)
    }
}
