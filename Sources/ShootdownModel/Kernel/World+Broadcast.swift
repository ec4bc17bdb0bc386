/// AMD's broadcast TLB invalidation with global ASIDs, as 6.15 uses it (Rik van Riel's "AMD
/// broadcast TLB invalidation" series; arch/x86/mm/tlb.c of 6.15 and later, read in a tree of
/// 6.18's era): the steps of `broadcast_tlb_flush()`, `finish_asid_transition()`,
/// `consider_global_asid()` and `invlpgb_flush_all_nonglobals()`, run from
/// `flush_tlb_mm_range()` and `arch_tlbbatch_flush()` where ``broadcasts``.
///
/// INVLPGB is asynchronous: the instruction only starts the invalidation on every CPU, and the
/// issuing CPU's TLBSYNC waits until all it started have completed. The model completes them
/// at the TLBSYNC, the latest point the hardware may: a CPU that uses a stale entry before then
/// is allowed to (the flush has not returned), and one that refills an entry after the INVLPGB
/// reads the PTE already changed. Without a TLBSYNC (a mutant) they never complete: that covers
/// every completion after the pages are freed.
extension World {
    /// Whether the machine has INVLPGB and the scheme uses it (``Scheme/usesBroadcastInvalidation``).
    var broadcasts: Bool { scheme.usesBroadcastInvalidation && scenario.hasINVLPGB }

    /// The steps of ``FlushTLBMMRangeCall`` that only broadcast invalidation has.
    mutating func stepBroadcast(_ cpu: Int, _ call: inout FlushTLBMMRangeCall) -> StepOutcome {
        let mm = call.mm
        switch call.pc {
        case .readGlobalASID:
            // flush_tlb_mm_range(): if (mm_global_asid(mm)) broadcast_tlb_flush(info);
            touch(.globalASID(mm: mm), write: false)
            let asid = state.mms[mm].globalASID
            guard asid != 0 else {
                call.pc = .anyOtherCPU
                return .shared
            }
            // broadcast_tlb_flush(): "TLB flushes with INVLPGB are kicked off asynchronously.
            // The inc_mm_tlb_gen() guarantees page table updates are done before these TLB
            // flushes happen." One INVLPGB for the whole PCID, else one per invlpgb_count_max
            // entries: `nr = min(maxnr, (info->end - addr) >> info->stride_shift)`, a huge page
            // one entry with the PMD stride (its INVLPGB's stride bit set; the model's completion
            // drops every entry of the range, a superset of what the strided INVLPGBs drop).
            call.isBroadcast = true
            let count =
                call.end.map {
                    ((($0 - call.start) + call.stride - 1) / call.stride + invlpgbCountMax - 1) / invlpgbCountMax
                }
                ?? 1
            counters.invlpgbs += count
            if isTracing {
                note(
                    cpu, "broadcast_tlb_flush",
                    "global ASID \(asid): \(count) INVLPGB nosync for \(describe(call)) in PCID \(asid)")
            }
            call.pc = .transitionCheck
            return .shared
        case .transitionCheck:
            // finish_asid_transition(): if (!mm_in_asid_transition(mm)) return;
            touch(.asidTransition(mm: mm), write: false)
            let inTransition = state.mms[mm].inASIDTransition
            call.pc = !inTransition ? .tlbsync : scheme.transitionChecksCPUs ? .transitionMask : .clearTransition
            if isTracing {
                note(
                    cpu, "finish_asid_transition",
                    !inTransition
                        ? "not in transition"
                        : scheme.transitionChecksCPUs
                            ? "in transition: look for CPUs on a dynamic ASID" : "in transition: end it unchecked")
            }
            return .shared
        case .transitionMask:
            // for_each_cpu(cpu, mm_cpumask(mm))
            state.cpus[cpu].cfdMask = readTargetMask(cpu, call)
            call.pc = nextTransitionCPU(cpu)
            return .shared
        case .transitionCPU(let target):
            // "The remote CPU is context switching. Wait for that to finish": wait(of:on:) held
            // us while it was LOADED_MM_SWITCHING. Then READ_ONCE(loaded_mm) and, for this mm,
            // READ_ONCE(loaded_mm_asid), one step: a switch between the two reads only adds the
            // "(harmless) extra IPI" the kernel's comment allows.
            touch(.loadedMM(cpu: target), write: false)
            let remote = state.cpus[target].tlbState
            let asid = state.mms[mm].globalASID
            guard !remote.isSwitching, remote.loadedMM == mm, remote.loadedASID != asid else {
                if isTracing {
                    let what =
                        remote.isSwitching
                        ? "LOADED_MM_SWITCHING (not waited for)"
                        : remote.loadedMM != mm ? "runs \(scenario.mmName(remote.loadedMM))" : "on global ASID \(asid)"
                    note(cpu, "finish_asid_transition", "cpu\(target) \(what)")
                }
                call.pc = nextTransitionCPU(cpu)
                return .shared
            }
            // "If at least one CPU is not using the global ASID yet, send a TLB flush IPI."
            // flush_tlb_multi(mm_cpumask(info->mm), info); return;
            counters.nrTLBRemoteFlush += 1
            if isTracing {
                note(
                    cpu, "finish_asid_transition",
                    "cpu\(target) runs \(scenario.mmName(mm)) on dynamic ASID \(remote.loadedASID): flush_tlb_multi")
            }
            call.pc = multiStart(call)
            return .shared
        case .clearTransition:
            // "All the CPUs running this process are using the global ASID."
            touch(.asidTransition(mm: mm), write: true)
            state.mms[mm].inASIDTransition = false
            if isTracing { note(cpu, "finish_asid_transition", "mm_clear_asid_transition(\(scenario.mmName(mm)))") }
            call.pc = .tlbsync
            return .shared
        case .tlbsync:
            call.pc = .finish
            guard scheme.syncsBroadcasts else {
                if isTracing {
                    note(cpu, "broadcast_tlb_flush", "no __tlbsync(): the INVLPGBs complete some time later")
                }
                return .next
            }
            // "Wait for the INVLPGBs kicked off above to finish."
            counters.tlbsyncs += 1
            completeINVLPGB(asid: state.mms[mm].globalASID, mm: mm, pages: call.end.map { call.start..<$0 })
            if isTracing {
                note(cpu, "broadcast_tlb_flush", "__tlbsync(): \(describe(call)) gone from every CPU's TLB")
            }
            return .shared
        case .multiTransitionCheck:
            // native_flush_tlb_multi(): if (info->freed_tables || mm_in_asid_transition(info->mm))
            // on_each_cpu_mask(...); else on_each_cpu_cond_mask(should_flush_tlb, ...);
            touch(.asidTransition(mm: mm), write: false)
            call.inASIDTransition = state.mms[mm].inASIDTransition
            if isTracing, call.inASIDTransition {
                note(cpu, "native_flush_tlb_multi", "mm in ASID transition: IPI every CPU of the mask")
            }
            call.pc = .snapshotMask
            return .shared
        case .considerGlobalASID:
            // consider_global_asid(): "Check every once in a while": (current->pid & 0x1f) !=
            // (jiffies & 0x1f) returns; the model checks every time (any flush may be the one).
            // mm_active_cpus_exceeds(mm, 3), one step: its reads race with switches anyway.
            call.pc = .finish
            let active = activeCPUs(of: mm)
            let exceeds = active > scenario.globalASIDThreshold
            if isTracing {
                note(
                    cpu, "consider_global_asid",
                    "\(scenario.mmName(mm)) active on \(active) CPUs"
                        + (exceeds ? " > \(scenario.globalASIDThreshold): use_global_asid" : ""))
            }
            if exceeds { call.pc = .useGlobalASID }
            return .shared
        case .useGlobalASID:
            call.pc = .finish
            useGlobalASID(cpu, mm: mm)
            return .shared
        case .invlpgbAll:
            // invlpgb_flush_all_nonglobals(): __invlpgb_all(0, 0, INVLPGB_FLAG_NONGLOBAL);
            // __tlbsync(); every user translation of every PCID on every CPU.
            footprint.addEverything()
            counters.invlpgbs += 1
            counters.tlbsyncs += 1
            let firstTag = scheme.batchFlushReachesDynamicASIDs ? 0 : tlbNrDynASIDs
            for other in state.cpus.indices {
                counters.entriesFlushed += state.cpus[other].tlb.flushAll(fromTag: firstTag)
                if setup.tracksPagingStructures, state.cpus[other].pagingStructures.flushAll(fromTag: firstTag) {
                    counters.pscFlushes += 1
                }
            }
            if isTracing {
                note(
                    cpu, "arch_tlbbatch_flush",
                    firstTag == 0
                        ? "invlpgb_flush_all_nonglobals(): every CPU's TLB emptied"
                        : "INVLPGB of the global ASIDs only: dynamic ASIDs keep their entries")
            }
            call.pc = .finish
            return .shared
        default:
            preconditionFailure("not a broadcast step: \(call.pc)")
        }
    }

    /// The next CPU of `finish_asid_transition()`'s walk of the cpumask, or the end of the
    /// transition once every one was looked at.
    mutating func nextTransitionCPU(_ cpu: Int) -> FlushTLBMMRangeCall.PC {
        guard let target = state.cpus[cpu].cfdMask.first else { return .clearTransition }
        state.cpus[cpu].cfdMask.remove(target)
        return .transitionCPU(cpu: target)
    }

    /// `mm_active_cpus_exceeds()`'s count: CPUs of the mm's cpumask that run it (`loaded_mm`)
    /// and are not lazy. The quick check (`cpumask_weight(mm_cpumask(mm)) <= threshold`) gives
    /// the same answer, so it is folded in.
    mutating func activeCPUs(of mm: Int) -> Int {
        touch(.cpumask(mm: mm), write: false)
        var count = 0
        for other in state.mms[mm].cpumask {
            touch(.loadedMM(cpu: other), write: false)
            touch(.isLazy(cpu: other), write: false)
            let s = state.cpus[other].tlbState
            if !s.isSwitching, s.loadedMM == mm, !s.isLazy { count += 1 }
        }
        return count
    }

    /// `use_global_asid()` under `global_asid_lock`: "This process is already using broadcast TLB
    /// invalidation", else `allocate_global_asid()` and `mm_assign_global_asid()` (the
    /// transition flag, then `smp_store_release()` of the ASID). The allocator hands out ASIDs
    /// upwards from `TLB_NR_DYN_ASIDS` as after `reset_global_asid_space()`; the model frees none
    /// (no mm exits), so none is reused, and its tags are 8 bits: past 255 it runs out ("Ran out
    /// of global ASIDs").
    mutating func useGlobalASID(_ cpu: Int, mm: Int) {
        touch(.globalASIDSpace, write: true)
        touch(.globalASID(mm: mm), write: true)
        guard state.mms[mm].globalASID == 0 else { return }
        let asid = tlbNrDynASIDs + state.mms.count(where: { $0.globalASID != 0 })
        guard asid <= Int(UInt8.max) else { return }
        touch(.asidTransition(mm: mm), write: true)
        state.mms[mm].inASIDTransition = true
        state.mms[mm].globalASID = asid
        counters.globalASIDs += 1
        if isTracing {
            note(cpu, "use_global_asid", "\(scenario.mmName(mm)) gets global ASID \(asid), in transition")
        }
    }

    /// The INVLPGBs of a flush of `pages` (`nil`: the whole PCID) in global ASID `asid` complete:
    /// every CPU's entries of them go, and its paging-structure-cache entries of the PCID (an
    /// INVLPGB without `INVLPGB_FINAL_ONLY` invalidates those too). Writes the pages' locations:
    /// the CPUs' accesses to them do not commute with this.
    mutating func completeINVLPGB(asid: Int, mm: Int, pages: Range<Int>?) {
        let range = pages ?? 0..<scenario.pagesPerAddressSpace
        for page in range { touch(.page(mm: mm, page: page), write: true) }
        for other in state.cpus.indices {
            if let pages {
                state.cpus[other].tlb.invalidate(asid: asid, pages: pages)
            } else {
                counters.entriesFlushed += state.cpus[other].tlb.flush(asid: asid)
            }
            if setup.tracksPagingStructures {
                touch(.pageTables(mm: mm), write: true)
                if state.cpus[other].pagingStructures.flush(tag: asid) { counters.pscFlushes += 1 }
            }
        }
    }
}

/// `invlpgb_count_max`: the most pages one INVLPGB invalidates (CPUID 0x80000008 EDX[15:0] plus
/// one). The model assumes 8; it only counts instructions for the cost model.
public let invlpgbCountMax = 8
