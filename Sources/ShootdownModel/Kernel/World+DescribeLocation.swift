extension World {
    /// `location` by its kernel name with its value now, for a reader of a counterexample:
    /// `A->context.tlb_gen = 3`, `mm_cpumask(A) = {0,2}`, `cpu1 is_lazy = true`,
    /// `PTE of A page 1 = frame 4 rw`.
    public func describe(_ location: Location) -> String {
        let mms = state.mms
        let cpus = state.cpus
        let name = scenario.mmName
        return switch location {
        case .tlbGen(let mm): "\(name(mm))->context.tlb_gen = \(mms[mm].tlbGen)"
        case .globalASID(let mm): "\(name(mm))->context.global_asid = \(mms[mm].globalASID)"
        case .asidTransition(let mm): "\(name(mm))->context.asid_transition = \(mms[mm].inASIDTransition)"
        case .globalASIDSpace: "global ASID allocator (global_asid_lock)"
        case .cpumask(let mm): "mm_cpumask(\(name(mm))) = \(Self.describe(mms[mm].cpumask))"
        case .nextTrim(let mm): "\(name(mm))->context.next_trim_cpumask due = \(mms[mm].trimDue)"
        case .flushPending(let mm):
            // The RFC's generations share the location.
            "\(name(mm))->tlb_flush_pending = \(mms[mm].tlbFlushPending)"
                + (mms[mm].tlbGenCompleted > 0 ? ", tlb_gen_completed = \(mms[mm].tlbGenCompleted)" : "")
                + (!mms[mm].deferTLBGen.contains { $0 != 0 } ? "" : ", VMAs' defer_tlb_gen = \(mms[mm].deferTLBGen)")
        case .flushBatched(let mm):
            "\(name(mm))->tlb_flush_batched = \(mms[mm].tlbFlushBatched.pending) set, "
                + "\(mms[mm].tlbFlushBatched.flushed) flushed"
        case .ring(let mm): "\(name(mm))'s flush ring"
        case .mmapLock(let mm):
            "\(name(mm))->mmap_lock: "
                + (mms[mm].mmapLock.isWriteLocked
                    ? "write-locked" : mms[mm].mmapLock.readers > 0 ? "\(mms[mm].mmapLock.readers) readers" : "free")
        case .vmas(let mm):
            "\(name(mm))'s VMAs: "
                + mms[mm].vmas.enumerated().map { "\($0.offset) \($0.element.map { "\($0)" } ?? "none")" }
                .joined(separator: ", ")
        case .ptl(let mm, let table):
            "PTL of \(name(mm)) page table \(table): " + (mms[mm].ptlOwners[table].map { "held by cpu\($0)" } ?? "free")
        case .page(let mm, let page): "PTE of \(name(mm)) page \(page) = \(Self.describe(mms[mm].ptes[page]))"
        case .isLazy(let cpu): "cpu\(cpu) is_lazy = \(cpus[cpu].tlbState.isLazy)"
        case .loadedMM(let cpu):
            "cpu\(cpu) loaded_mm = "
                + (cpus[cpu].tlbState.isSwitching
                    ? "LOADED_MM_SWITCHING" : name(cpus[cpu].tlbState.loadedMM))
        case .mailbox(let cpu): "cpu\(cpu) call_single_queue: \(cpus[cpu].mailbox.count) flush IPIs queued"
        case .acks(let cpu): "cpu\(cpu) waits for \(cpus[cpu].pendingAcks) acknowledgements"
        case .event(let event): "event \(event) " + (state.events[event] ? "signalled" : "not signalled")
        case .runqueue(let cpu): "cpu\(cpu) run queue"
        case .allocator: "page allocator: free list \(state.frames.freeList)"
        case .frame(let frame): "frame \(frame)"
        case .pageTables(let mm): "\(name(mm))'s page-table pages and the paging-structure caches of them"
        }
    }

    /// A cpumask as `{0,2}`.
    static func describe(_ mask: CPUMask) -> String { "{" + mask.map(String.init).joined(separator: ",") + "}" }

    /// A PTE as `none`, `frame 4 rw`, `frame 4 ro`, `frame 4 PROT_NONE`, `migration entry`.
    static func describe(_ pte: PTE) -> String {
        if pte.isMigrationEntry { return "migration entry" }
        guard let frame = pte.frame else { return "none" }
        return "frame \(frame) "
            + (pte.isProtNone ? "PROT_NONE" : !pte.isPresent ? "not present" : pte.isWritable ? "rw" : "ro")
    }
}
