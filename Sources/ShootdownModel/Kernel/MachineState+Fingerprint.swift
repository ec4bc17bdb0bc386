/// The state's fingerprint for the checker's visited set: every field of ``MachineState``, fed
/// to a ``StableHasher`` in a fixed order. A field missing here would merge distinct states; the
/// fingerprint tests compare fingerprints with `==` over many reachable states to catch that.
extension MachineState {
    /// A 64-bit fingerprint, equal for equal states in every process.
    public var fingerprint: UInt64 {
        var h = StableHasher()
        fingerprint(into: &h)
        return h.value
    }

    public func fingerprint(into h: inout StableHasher) {
        fingerprint(into: &h, livePages: nil, omitsDeadGenerations: false)
    }

    /// The fingerprint; with `livePages`, CPU `c`'s TLB entries of no page in `livePages[c]`
    /// (bit `p` for page `p`) are left out, and with `omitsDeadGenerations` too the local
    /// generations of a CPU with no live page at all (``World/fingerprint(into:omitting:)``).
    func fingerprint(into h: inout StableHasher, livePages: InlineArray<5, UInt64>?, omitsDeadGenerations: Bool) {
        h.combine(cpus.count)
        for (index, cpu) in cpus.enumerated() {
            let live = livePages?[index] ?? ~0
            h.combine(cpu.fingerprint(livePages: live, omitsGenerations: omitsDeadGenerations && live == 0))
        }
        fingerprintAllButCPUs(into: &h)
    }

    /// The same fingerprint, with each CPU's own taken from `cache` where the CPU has not changed
    /// since the cache's state (``CPUs/changed``, recorded since ``CPUs/forgetChanges()``) and
    /// its live pages are the same; `cache` then holds this state's. At most 5 CPUs.
    func fingerprint(
        into h: inout StableHasher, livePages: InlineArray<5, UInt64>?, omitsDeadGenerations: Bool,
        reusing cache: inout CPUFingerprints
    ) {
        h.combine(cpus.count)
        for index in cpus.indices {
            let live = livePages?[index] ?? ~0
            if !cache.isValid || cpus.changed & 1 << UInt64(index) != 0 || cache.live[index] != live {
                cache.hashes[index] = cpus[index].fingerprint(
                    livePages: live, omitsGenerations: omitsDeadGenerations && live == 0)
                cache.live[index] = live
            }
            h.combine(cache.hashes[index])
        }
        cache.isValid = true
        fingerprintAllButCPUs(into: &h)
    }

    /// The fingerprint's part after the CPUs: the mms, the threads, the events, the frames.
    private func fingerprintAllButCPUs(into h: inout StableHasher) {
        h.combine(mms.count)
        for mm in mms { mm.fingerprint(into: &h) }
        h.combine(threads.count)
        for t in threads {
            h.combine(t.pc)
            switch t.status {
            case .runnable: h.combine(0)
            case .waiting(let event): h.combine(1 + 2 * event)
            case .done: h.combine(2)
            }
            t.tlbUBC.fingerprint(into: &h)
        }
        // The events, 64 to a word: every event has a bit of its own, however many there are.
        h.combine(self.events.count)
        var word: UInt64 = 0
        for (i, isSet) in self.events.enumerated() {
            if isSet { word |= 1 << UInt64(i % 64) }
            if i % 64 == 63 || i == self.events.count - 1 {
                h.combine(word)
                word = 0
            }
        }
        h.combine(frames.nextFresh)
        h.combine(frames.freeList.count)
        for f in frames.freeList { h.combine(f) }
        for (frame, extra) in frames.sharers.enumerated() where extra > 0 {
            h.combine(UInt64(frame) << 8 | UInt64(extra))
        }
    }
}

/// Each CPU's own fingerprint in one state and the live pages it kept, which a world keeps so
/// that its successors fingerprint again only the CPUs their steps changed
/// (``World/fingerprintReusingCPUs(into:omitting:)``). Valid for one kind of fingerprint: whether
/// dead entries and generations are left out must not change (the checker's choice, for a search).
struct CPUFingerprints: Sendable {
    var hashes = InlineArray<5, UInt64>(repeating: 0)
    var live = InlineArray<5, UInt64>(repeating: 0)
    /// Whether ``hashes`` hold a state's CPUs (not before the first fingerprint).
    var isValid = false
}

extension CPU {
    /// The CPU's own fingerprint (``fingerprint(into:livePages:omitsGenerations:)``), which the
    /// machine's folds in.
    func fingerprint(livePages: UInt64, omitsGenerations: Bool) -> UInt64 {
        var h = StableHasher()
        fingerprint(into: &h, livePages: livePages, omitsGenerations: omitsGenerations)
        return h.value
    }

    /// `livePages`: the pages whose entries count (bit `p` for page `p`; pages past 63 always);
    /// `omitsGenerations`: the local generations (`ctxs[].tlb_gen`) count for nothing.
    func fingerprint(into h: inout StableHasher, livePages: UInt64, omitsGenerations: Bool) {
        if livePages == ~0 {
            h.combine(tlb.entries.count)
            for e in tlb.entries { e.fingerprint(into: &h) }
        } else {
            var live = 0
            for e in tlb.entries where e.isLive(in: livePages) {
                e.fingerprint(into: &h)
                live += 1
            }
            h.combine(live)
        }
        // Small fields packed a word at a time: mms and threads fit 16 bits, ASIDs and depths 8,
        // and a generation 48 (2^48 flushes are beyond any run).
        let s = tlbState
        let mm = UInt64(UInt16(truncatingIfNeeded: s.loadedMM))
        let asids = UInt64(s.loadedASID) << 16 | UInt64(s.nextASID) << 24
        let lazy: UInt64 = (s.isLazy ? 1 << 32 : 0) | (s.isSwitching ? 1 << 33 : 0)
        let running = UInt64(current.map { $0 + 1 } ?? 0) << 40 | UInt64(stack.count) << 56
        h.combine(mm | asids | lazy | running)
        for ctx in s.ctxs { h.combine(ctx.ctxID | (omitsGenerations ? 0 : ctx.tlbGen << 16)) }
        if !pagingStructures.isEmpty {
            h.combine(pagingStructures.lines.count)
            for line in pagingStructures.lines {
                h.combine(UInt64(line.tag) | UInt64(line.mm) << 8)
                h.combine(line.cached)
                h.combine(line.unhooked)
                h.combine(line.freed)
            }
        }
        for call in stack { call.fingerprint(into: &h) }
        h.combine(gatherFrames.count)
        for f in gatherFrames { h.combine(f) }
        h.combine(mailbox.count)
        for info in mailbox { info.fingerprint(into: &h) }
        h.combine(flushInfo != nil)
        flushInfo?.fingerprint(into: &h)
        h.combine(pendingAcks)
        cfdMask.fingerprint(into: &h)
    }
}

extension TLBEntry {
    /// Whether a page the entry covers is in `livePages` (bit `p` for page `p`; past 63, yes).
    @inline(__always)
    func isLive(in livePages: UInt64) -> Bool {
        let covered = self.covered
        if covered.upperBound > 64 { return true }
        let width = UInt64(covered.count)
        let bits: UInt64 = (width == 64 ? ~0 : (1 << width) - 1) << UInt64(covered.lowerBound)
        return livePages & bits != 0
    }

    func fingerprint(into h: inout StableHasher) {
        h.combine(
            UInt64(asid) | UInt64(page) << 8 | (isWritable ? 1 << 24 : 0) | UInt64(mm) << 25 | UInt64(frame) << 33)
        // Only huge pages' entries add a word: every other state keeps its fingerprint.
        if hugePages != 0 { h.combine(UInt64(hugePages) | 1 << 62) }
        Self.fingerprint(unmapped, into: &h)
        Self.fingerprint(writeRevoked, into: &h)
    }

    static func fingerprint(_ r: Revocation?, into h: inout StableHasher) {
        guard let r else {
            h.combine(0)
            return
        }
        h.combine(UInt64(r.thread) << 32 | UInt64(r.op) << 1 | (r.isDue ? 1 : 0) | 1 << 63)
        r.coveredBy.fingerprint(into: &h)
    }
}

extension AddressSpace {
    func fingerprint(into h: inout StableHasher) {
        h.combine(ctxID)
        h.combine(tlbGen)
        cpumask.fingerprint(into: &h)
        h.combine(
            UInt64(tlbFlushPending) | UInt64(tlbFlushBatched.pending) << 16 | UInt64(tlbFlushBatched.flushed) << 32
                | UInt64(mmapLock.readers) << 48 | (mmapLock.isWriteLocked ? 1 << 63 : 0))
        h.combine(
            tlbGenCompleted | (trimDue ? 1 << 63 : 0) | (inASIDTransition ? 1 << 62 : 0) | UInt64(globalASID) << 48)
        if freeableTables != 0 { h.combine(hookedTables) }
        if thpTables | hugeTables | splitTables != 0 {
            h.combine(thpTables)
            h.combine(hugeTables)
            h.combine(splitTables)
        }
        for pte in ptes { pte.fingerprint(into: &h) }
        for vma in vmas { h.combine(vma.map { Int($0.rawValue) }) }
        for index in vmaIndex { h.combine(Int(index)) }
        h.combine(deferTLBGen.count)
        for gen in deferTLBGen { h.combine(gen) }
        for owner in ptlOwners { h.combine(owner) }
    }
}

extension PTE {
    func fingerprint(into h: inout StableHasher) {
        h.combine(
            UInt64(frame.map { $0 + 1 } ?? 0) << 4 | (isPresent ? 1 : 0) | (isWritable ? 2 : 0) | (isProtNone ? 4 : 0)
                | (isMigrationEntry ? 8 : 0))
    }
}

extension FlushTLBInfo {
    func fingerprint(into h: inout StableHasher) {
        h.combine(mm)
        h.combine(start)
        h.combine(end)
        h.combine(freedTables)
        h.combine(newTLBGen)
        h.combine(initiatingCPU)
        if stride != 1 { h.combine(stride | 1 << 40) }
    }
}

extension UnmapCall {
    func fingerprint(into h: inout StableHasher) {
        h.combine(page)
        h.combine(thread)
        h.combine(op)
        h.combine(mm)
        h.combine(KernelCall.code(pc))
        h.combine(isDeferred)
        old.fingerprint(into: &h)
        h.combine(isFlushRequired)
        h.combine(gen)
        h.combine(newFrame)
        h.combine(isSynchronous)
    }
}

extension KernelCall {
    func fingerprint(into h: inout StableHasher) {
        switch self {
        case .pteBatch(let c):
            h.combine(1)
            switch c.kind {
            case .munmap: h.combine(0)
            case .madviseDontNeed: h.combine(1)
            case .mprotect(let prot): h.combine(2 + Int(prot.rawValue))
            case .numaHint: h.combine(16)
            }
            h.combine(c.range.start)
            h.combine(c.range.end)
            h.combine(c.thread)
            h.combine(c.op)
            h.combine(c.mm)
            switch c.pc {
            case .lockMmap: h.combine(0)
            case .downgrade: h.combine(1)
            case .gather: h.combine(2)
            case .lockPTL(let table): h.combine(3 + 16 * table)
            case .change(let page): h.combine(4 + 16 * page)
            case .unlockPTL(let table): h.combine(5 + 16 * table)
            case .finish: h.combine(6)
            case .free: h.combine(7)
            case .decPending: h.combine(8)
            case .unlockMmap: h.combine(9)
            case .batchedPending(let table): h.combine(10 + 16 * table)
            case .batchedFlushed(let table): h.combine(11 + 16 * table)
            case .readDeferGen(let table): h.combine(12 + 16 * table)
            case .incDeferGen(let table): h.combine(13 + 16 * table)
            case .storeDeferGen(let table): h.combine(14 + 16 * table)
            case .tlbFlush: h.combine(15)
            case .hugePMD(let table): h.combine(-1 - 16 * table)
            }
            h.combine(c.deferGen)
            h.combine(c.clearedInTable)
            h.combine(c.batchedSeen.pending)
            h.combine(c.batchedSeen.flushed)
            h.combine(c.isPendingDropped)
            h.combine(c.holdsMmapLock)
            let g = c.gather
            h.combine(g.start)
            h.combine(g.end)
            h.combine(g.isFullMM)
            h.combine(g.freedTables)
            if g.clearedPMDs { h.combine(g.clearedPTEs ? 3 : 2) }
            if c.tablesToFree != 0 { h.combine(c.tablesToFree) }
        case .migrate(let c):
            h.combine(2)
            c.fingerprint(into: &h)
        case .reclaim(let c):
            h.combine(8)
            c.fingerprint(into: &h)
        case .fault(let c):
            h.combine(3)
            h.combine(c.page)
            h.combine(c.write)
            h.combine(c.thread)
            h.combine(c.mm)
            h.combine(Self.code(c.pc))
            h.combine(c.isSegfault)
            h.combine(c.oldFrame)
            h.combine(c.newFrame)
        case .split(let c):
            h.combine(12)
            h.combine(c.mm)
            h.combine(c.table)
            h.combine(c.thread)
            h.combine(c.op)
            h.combine(Self.code(c.pc))
            if let pmd = c.pmd { pmd.fingerprint(into: &h) }
        case .collapse(let c):
            h.combine(11)
            h.combine(c.table)
            h.combine(c.thread)
            h.combine(c.op)
            h.combine(c.mm)
            h.combine(Self.code(c.pc))
        case .fork(let c):
            h.combine(9)
            h.combine(c.child)
            h.combine(c.thread)
            h.combine(c.op)
            h.combine(c.mm)
            switch c.pc {
            case .lockMmap: h.combine(0)
            case .copy(let page): h.combine(1 + 4 * page)
            case .flush: h.combine(2)
            case .unlockMmap: h.combine(3)
            }
        case .mremap(let c):
            h.combine(10)
            h.combine(c.range.start)
            h.combine(c.range.end)
            h.combine(c.destination)
            h.combine(c.thread)
            h.combine(c.op)
            h.combine(c.mm)
            switch c.pc {
            case .lockMmap: h.combine(0)
            case .lockOldPTL: h.combine(1)
            case .lockNewPTL: h.combine(2)
            case .batchedPending: h.combine(3)
            case .batchedFlushed: h.combine(4)
            case .move(let offset): h.combine(5 + 16 * offset)
            case .flush: h.combine(6)
            case .unlockNewPTL: h.combine(7)
            case .unlockOldPTL: h.combine(8)
            case .lateFlush: h.combine(9)
            case .unmapOld: h.combine(10)
            case .unlockMmap: h.combine(11)
            case .unmapDestination: h.combine(12)
            case .checkSource: h.combine(13)
            }
            h.combine(c.extent)
            h.combine(c.forceFlush)
            h.combine(c.movedPresent)
            h.combine(c.batchedSeen.pending)
            h.combine(c.batchedSeen.flushed)
        case .flushTLBMMRange(let c):
            h.combine(4)
            h.combine(c.mm)
            h.combine(c.start)
            h.combine(c.end)
            h.combine(c.freedTables)
            if c.stride != 1 { h.combine(c.stride | 1 << 40) }
            switch c.pc {
            case .incGen: h.combine(0)
            case .anyOtherCPU: h.combine(1)
            case .snapshotMask: h.combine(2)
            case .target(let cpu): h.combine(3 + 16 * cpu)
            case .shouldFlush(let cpu): h.combine(10 + 16 * cpu)
            case .queue(let cpu): h.combine(4 + 16 * cpu)
            case .runLocal: h.combine(5)
            case .wait: h.combine(6)
            case .localOnly: h.combine(7)
            case .finish: h.combine(8)
            case .publishStep(let index): h.combine(9 + 16 * index)
            case .shouldTrim: h.combine(11)
            case .transitionCPU(let cpu): h.combine(12 + 16 * cpu)
            case .readGlobalASID: h.combine(13)
            case .transitionCheck: h.combine(14)
            case .transitionMask: h.combine(15)
            case .clearTransition: h.combine(-1)
            case .tlbsync: h.combine(-2)
            case .multiTransitionCheck: h.combine(-3)
            case .considerGlobalASID: h.combine(-4)
            case .useGlobalASID: h.combine(-5)
            case .invlpgbAll: h.combine(-6)
            }
            h.combine(c.runsLocal)
            h.combine(c.presetGen.map { Int(truncatingIfNeeded: $0) })
            h.combine(c.isBatch)
            h.combine(c.isUnpublished)
            if c.trimsCPUMask { h.combine(-1) }
            if c.isBroadcast { h.combine(-3) }
            if c.inASIDTransition { h.combine(-4) }
            // `init_mm` is mm -1: `.mm(m)` from -3 down, apart from `.switching` (once `-2 - m`,
            // which gave `.mm(init_mm)` and `.switching` one fingerprint).
            switch c.targetLoadedMM {
            case nil: break
            case .switching: h.combine(-1)
            case .mm(let mm): h.combine(-3 - mm)
            }
        case .flushTLBFunc(let c):
            h.combine(5)
            c.info.fingerprint(into: &h)
            h.combine(c.isLocal)
            h.combine(Self.code(c.pc))
        case .switchMM(let c):
            h.combine(6)
            h.combine(c.next)
            h.combine(Self.code(c.pc))
            h.combine(c.prev)
            h.combine(c.prevASID)
            h.combine(c.wasLazy)
            if c.pc == .markSwitching || c.pc == .loadCR3 || c.pc == .chooseASID {
                h.combine(c.asid)
                h.combine(c.needFlush)
                h.combine(c.nextTLBGen)
            }
        case .enterLazyTLB:
            h.combine(7)
        }
    }

    /// A PC without associated values, as its position among the enum's cases.
    static func code<PC: Hashable & CaseIterable>(_ pc: PC) -> Int {
        PC.allCases.firstIndex(of: pc).map { PC.allCases.distance(from: PC.allCases.startIndex, to: $0) } ?? -1
    }
}

extension World {
    /// The machine's state and the scheme's own (``World/schemeState``), folded in that order:
    /// what the checker stores.
    public func fingerprint(into h: inout StableHasher) {
        state.fingerprint(into: &h)
        schemeState.fingerprint(into: &h)
    }

    /// ``fingerprint(into:)`` without the TLB entries no thread will use again: dead-variable
    /// reduction. Only a user access reads an entry (a hit, and the safety check on it), and
    /// threads do not move between CPUs, so an entry of a page that no remaining operation of a
    /// thread of its CPU accesses (`accessed`, the scenario's table) changes nothing from here
    /// on but counters; states that differ only in such entries are one state.
    ///
    /// A CPU none of whose threads will access memory again has only dead entries, and then its
    /// local generations (`cpu_tlbstate.ctxs[].tlb_gen`) are dead too: they decide only how much
    /// of its own TLB `flush_tlb_func()` and `switch_mm_irqs_off()` flush (nothing, a range, all)
    /// and what they store in them, never a write another CPU reads, a wait or a safety check,
    /// so they are left out as well. Not where paging-structure caches are tracked: a CR3 load
    /// without a flush can walk a freed table (``Violation/Kind/freedTableWalk``) with no user
    /// access at all.
    ///
    /// The whole fingerprint with `accessed` nil, for schemes that read the TLB's entries
    /// (``Scheme/readsTLBEntries``: the oracles decide flushes by them), and past 5 CPUs (the
    /// exhaustive checker's limit, the size of the live pages' inline array).
    package func fingerprint(into h: inout StableHasher, omitting accessed: AccessedPages?) {
        guard state.cpus.count <= 5 else { return fingerprint(into: &h) }
        let dead = deadState(omitting: accessed)
        state.fingerprint(into: &h, livePages: dead.livePages, omitsDeadGenerations: dead.omitsGenerations)
        schemeState.fingerprint(into: &h)
    }

    /// What ``fingerprint(into:omitting:)`` leaves out: each CPU's live pages (`nil`: every
    /// entry counts) and whether the local generations of a CPU with none go too.
    private func deadState(omitting accessed: AccessedPages?) -> (
        livePages: InlineArray<5, UInt64>?, omitsGenerations: Bool
    ) {
        guard let accessed, !S.readsTLBEntries else { return (nil, false) }
        return (accessed.livePages(state.threads), !setup.tracksPagingStructures)
    }

    /// ``fingerprint(into:omitting:)``, the same word, with the fingerprints of the CPUs not
    /// changed since the last time this was called on this world or the one it was copied from
    /// (``CPUs/changed``) taken from what that call left (``cpuFingerprints``): the exhaustive
    /// checker's successors differ from their state in one or two CPUs. Past 5 CPUs, the whole
    /// fingerprint of every CPU.
    package mutating func fingerprintReusingCPUs(into h: inout StableHasher, omitting accessed: AccessedPages?) {
        guard state.cpus.count <= 5 else { return fingerprint(into: &h, omitting: accessed) }
        let dead = deadState(omitting: accessed)
        // Through a local: passing `state` and `&cpuFingerprints`, two parts of `self`, made the
        // compiler copy the whole world.
        var cache = cpuFingerprints
        state.fingerprint(
            into: &h, livePages: dead.livePages, omitsDeadGenerations: dead.omitsGenerations, reusing: &cache)
        cpuFingerprints = cache
        state.cpus.forgetChanges()
        schemeState.fingerprint(into: &h)
    }
}
