/// Drives a ``World`` through what a real kernel's trace shows: context switches, and flush
/// requests in the stages the trace shows them, through the model's own kernel paths
/// (`switch_mm_irqs_off()`, `enter_lazy_tlb()`, `flush_tlb_mm_range()` and the `flush_tlb_func()`
/// of every CPU it interrupts). `shootdown trace validate` compares what each request does here
/// with what the traced kernel did; `trace whatif` replays the same requests under other schemes.
///
/// The machine: the trace's CPUs, one address space per traced process (`mms`), and on each CPU
/// a kernel thread (where the CPU starts, in `init_mm`) and a thread of every address space, so
/// that any task the trace switches to has a model thread on that CPU. Pages are not traced:
/// a flush names only its size, as the range `0..<pages` of an address space of 64 pages.
public struct TraceReplayer<S: Scheme>: Sendable {
    /// The machine, with the counters of everything replayed so far.
    public private(set) var world: World<S>
    let mmCount: Int

    /// A machine of `cpus` CPUs (1 to ``maxCPUs``) and an address space for each of `names` (at
    /// most ``Scenario/maxAddressSpaces``), every CPU idle in `init_mm`.
    public init(cpus: Int, names: [String], hasPCID: Bool, hasINVLPGB: Bool = false, scheme: S) {
        precondition((1...maxCPUs).contains(cpus) && names.count <= Scenario.maxAddressSpaces)
        var threads: [Scenario.ThreadSpec] = []
        for cpu in 0..<cpus {
            threads.append(Scenario.ThreadSpec(name: "kthread/\(cpu)", mm: nil, cpu: cpu, script: []))
            for (mm, name) in names.enumerated() {
                threads.append(Scenario.ThreadSpec(name: "\(name)/\(cpu)", mm: mm, cpu: cpu, script: []))
            }
        }
        var scenario = Scenario(
            name: "trace", summary: "a real kernel's trace", cpuCount: cpus, pagesPerAddressSpace: Self.pages,
            frameCount: 1,
            addressSpaces: names.map { Scenario.AddressSpaceSpec(name: $0, mappings: []) }, threads: threads,
            events: [])
        scenario.hasPCID = hasPCID
        scenario.hasINVLPGB = hasINVLPGB
        mmCount = names.count
        world = World(scenario: scenario, scheme: scheme, footprint: .wakeUps)
    }

    /// Whether the kernel paths record what they do (``timeline``), as `run --timeline` shows it.
    public var isTracing: Bool {
        get { world.isTracing }
        set { world.isTracing = newValue }
    }

    /// What the kernel paths did while ``isTracing``, in order.
    public var timeline: [TraceEvent] { world.trace }

    /// Pages of each address space: more than the 33-page ceiling, so that every ranged flush fits.
    public static var pages: Int { 64 }

    /// The scheduler switches `cpu` to a task of address space `mm`, or (`nil`) to a kernel
    /// thread or the idle task: `switch_mm_irqs_off()` or `enter_lazy_tlb()`.
    /// - Returns: whether the switch flushed the TLB (fully or by ranges).
    /// A flush `cpu` has not finished finishes first (a trace that lost its return's line).
    public mutating func schedule(cpu: Int, mm: Int?) -> Bool {
        _ = finishFlush(cpu: cpu)
        let thread = mm.map { cpu * (mmCount + 1) + 1 + $0 } ?? cpu * (mmCount + 1)
        let before = world.counters
        let depth = world.state.cpus[cpu].stack.count
        world.contextSwitch(cpu, to: thread)
        run(cpu, downTo: depth)
        return world.counters.fullFlushesSwitch > before.fullFlushesSwitch
            || world.counters.rangedFlushesSwitch > before.rangedFlushesSwitch
    }

    /// `flush_tlb_mm_range(mm, 0, pages, PAGE_SHIFT, freed_tables)` on `cpu` (`pages` `nil`:
    /// `TLB_FLUSH_ALL`), in the stages a trace shows: here the initiator bumps the generation;
    /// ``sendIPIs(cpu:)`` reads the cpumask and sends the IPIs (`native_flush_tlb_multi()`'s
    /// `remote ipi send`); ``runLocal(cpu:)`` runs its own `flush_tlb_func()`; its targets take
    /// their IPIs when the trace shows them do it (``receive(cpu:)``); ``finishFlush(cpu:)``
    /// delivers the rest and runs the initiator to its end. A stage the trace does not show runs
    /// with the next.
    ///
    /// `isBatch`: `arch_tlbbatch_flush()` of the running task's batch, whose cpumask is taken to
    /// be `mm_cpumask(mm)` now (the trace does not show the PTE clears that gathered it).
    public mutating func startFlush(cpu: Int, mm: Int, pages: Int?, freedTables: Bool, isBatch: Bool = false) {
        precondition(pending[cpu] == nil, "cpu\(cpu) is already flushing")
        var call = FlushTLBMMRangeCall(
            mm: mm, start: 0, end: pages.map { min($0, Self.pages) }, freedTables: freedTables)
        if isBatch, let thread = world.state.cpus[cpu].current {
            call.isBatch = true
            call.end = nil
            // The unmap that filled the batch, which the trace does not show:
            // arch_tlbbatch_add_pending(): inc_mm_tlb_gen(mm); cpumask_or(&batch->cpumask, ...,
            // mm_cpumask(mm)); the scheme records the flush (its page unknown: the whole mm).
            world.state.mms[mm].tlbGen += 1
            world.state.threads[thread].tlbUBC = world.state.mms[mm].cpumask
            S.publish(
                PublishedFlush(mm: mm, gen: world.state.mms[mm].tlbGen, range: nil, freedTables: false), in: &world,
                cpu: cpu)
        }
        pending[cpu] = PendingFlush(
            mm: mm, depth: world.state.cpus[cpu].stack.count,
            result: ReplayedFlush(path: .none, targets: [], receivers: [:], local: nil))
        world.push(cpu, .flushTLBMMRange(call))
        stage(cpu, before: { $0 == .anyOtherCPU })
    }

    /// The initiator reads the cpumask and sends its IPIs, stopping before its own `flush_tlb_func()`.
    public mutating func sendIPIs(cpu: Int) {
        guard let flush = pending[cpu], !flush.sentIPIs else { return }
        pending[cpu]!.sentIPIs = true
        stage(cpu, before: { $0 == .runLocal || $0 == .localOnly })
        let targets = world.state.cpus.indices.filter { target in
            world.state.cpus[target].mailbox.pending.contains { $0.initiatingCPU == cpu }
        }
        pending[cpu]!.result.targets = targets
        for other in world.state.cpus.indices where other != cpu {
            pending[cpu]!.result.reasons[other] = targetReason(other, mm: flush.mm, isTarget: targets.contains(other))
        }
    }

    /// The initiator's own `flush_tlb_func()` (`smp_call_function_many_cond()`'s run_local, or
    /// the local-only branch), then on until it waits for its acknowledgements.
    public mutating func runLocal(cpu: Int) {
        sendIPIs(cpu: cpu)
        guard let flush = pending[cpu], !flush.ranLocal else { return }
        pending[cpu]!.ranLocal = true
        // It runs now if the branch taken says so (an early return moves no counter).
        var willRun = false
        if case .flushTLBMMRange(let running) = world.state.cpus[cpu].stack.last {
            willRun = running.pc == .localOnly || (running.pc == .runLocal && running.runsLocal)
        }
        stage(cpu, before: { _ in false })
        if willRun, pending[cpu]!.result.local == nil { pending[cpu]!.result.local = .early }
    }

    /// Runs a stage of `cpu`'s flush (``advance(_:before:)``) and records what it did: the path
    /// (`flush_tlb_multi()` counted, or the local-only branch), and the initiator's own
    /// `flush_tlb_func()` if it ran in it (a batch's steps run on without a shared access, so
    /// its local flush may come in the stage that sends the IPIs).
    mutating func stage(_ cpu: Int, before stop: (FlushTLBMMRangeCall.PC) -> Bool) {
        let before = world.counters
        let wasLazy = world.state.cpus[cpu].tlbState.isLazy
        advance(cpu, before: stop)
        guard var flush = pending[cpu] else { return }
        if world.counters.nrTLBRemoteFlush > before.nrTLBRemoteFlush { flush.result.path = .multi }
        if case .flushTLBMMRange(let running) = world.state.cpus[cpu].stack.last, running.pc == .localOnly {
            flush.result.path = .local
        }
        // A lazy initiator (a task past exit_mm() tearing its mm down) leaves lazy mode in it.
        switch outcome(cpu, wasLazy: wasLazy, from: before, local: true) {
        case .early: break
        case .leftLazy(let flushed): flush.result.local = .leftLazy(flushed: flushed)
        case let ran:
            flush.result.local = ran
            if flush.result.path == .none { flush.result.path = .local }
        }
        pending[cpu] = flush
    }

    /// Runs `cpu`'s flush until it returns, waits, or its next step is one `stop` names.
    mutating func advance(_ cpu: Int, before stop: (FlushTLBMMRangeCall.PC) -> Bool) {
        guard let depth = pending[cpu]?.depth else { return }
        run(cpu, downTo: depth, before: stop)
    }

    /// Why `cpu` was sent the IPI of a flush of `mm`, or not, in the kernel's words.
    func targetReason(_ cpu: Int, mm: Int, isTarget: Bool) -> String {
        let tlbState = world.state.cpus[cpu].tlbState
        let inMask = world.state.mms[mm].cpumask.contains(cpu)
        let loaded = "loaded_mm \(world.scenario.mmName(tlbState.loadedMM))"
        if isTarget { return "in mm_cpumask, \(tlbState.isLazy ? "lazy (freed_tables)" : "not lazy"), \(loaded)" }
        if inMask { return tlbState.isLazy ? "in mm_cpumask but lazy: skipped, \(loaded)" : "in mm_cpumask, skipped" }
        return "not in mm_cpumask, \(loaded)"
    }

    /// `cpu` takes its oldest pending flush IPI and runs `flush_tlb_func()` for it.
    /// - Returns: the initiator, or `nil` when no IPI is pending on `cpu`.
    @discardableResult
    public mutating func receive(cpu: Int) -> Int? {
        guard let info = world.state.cpus[cpu].mailbox.first else { return nil }
        let tlbState = world.state.cpus[cpu].tlbState
        let loaded = tlbState.loadedMM
        pending[info.initiatingCPU]?.result.reasons[cpu] =
            if tlbState.isLazy {
                "lazy: leaves lazy mode"
            } else if loaded == initMM || (info.mm != nil && info.mm != loaded) {
                "loaded_mm \(world.scenario.mmName(loaded)): nothing to flush"
            } else if isGlobalASID(tlbState.loadedASID) {
                "global ASID \(tlbState.loadedASID): kept current by INVLPGB"
            } else {
                "local tlb_gen \(tlbState.ctxs[tlbState.loadedASID].tlbGen), new_tlb_gen \(info.newTLBGen), "
                    + "mm tlb_gen \(world.state.mms[loaded].tlbGen)"
            }
        let before = world.counters
        let depth = world.state.cpus[cpu].stack.count
        world.deliverIPI(cpu)
        run(cpu, downTo: depth)
        let received = outcome(cpu, wasLazy: tlbState.isLazy, from: before, local: false)
        pending[info.initiatingCPU]?.result.receivers[cpu] = received
        return info.initiatingCPU
    }

    /// Delivers the IPIs `cpu`'s flush still has pending and runs it to its end.
    /// - Returns: what the flush did; `nil` when `cpu` is not flushing.
    public mutating func finishFlush(cpu: Int) -> ReplayedFlush? {
        guard let depth = pending[cpu]?.depth else { return nil }
        runLocal(cpu: cpu)
        for target in world.state.cpus.indices {
            while world.state.cpus[target].mailbox.pending.contains(where: { $0.initiatingCPU == cpu }) {
                receive(cpu: target)
            }
        }
        run(cpu, downTo: depth)
        return pending.removeValue(forKey: cpu)?.result
    }

    /// The flushes started and not finished, by initiator.
    var pending: [Int: PendingFlush] = [:]

    /// A flush started and not finished.
    struct PendingFlush {
        var mm: Int
        /// The initiator's stack depth below `flush_tlb_mm_range()`.
        var depth: Int
        /// What it did so far.
        var result: ReplayedFlush
        /// Whether the initiator sent its IPIs, and went past its own `flush_tlb_func()`.
        var sentIPIs = false
        var ranLocal = false
    }

    /// Runs `cpu`'s kernel paths until its stack is back to `depth` calls, they cannot go on (a
    /// step that waits leaves the stack as it was), or the innermost is a flush whose next step
    /// `stop` names.
    mutating func run(
        _ cpu: Int, downTo depth: Int, before stop: (FlushTLBMMRangeCall.PC) -> Bool = { _ in false }
    ) {
        while world.state.cpus[cpu].stack.count > depth {
            if case .flushTLBMMRange(let running) = world.state.cpus[cpu].stack.last, stop(running.pc) { return }
            let stack = world.state.cpus[cpu].stack
            world.runCalls(cpu)
            if world.state.cpus[cpu].stack == stack { return }
        }
    }

    /// What `cpu`'s `flush_tlb_func()` did since `before`: a CPU lazy before (`wasLazy`) and not
    /// now left lazy mode (flushing if its switch to `init_mm` did); else by the counters.
    func outcome(_ cpu: Int, wasLazy: Bool, from before: Counters, local: Bool) -> ReplayOutcome {
        guard wasLazy, !world.state.cpus[cpu].tlbState.isLazy else {
            return Self.outcome(from: before, to: world.counters, local: local)
        }
        return .leftLazy(flushed: world.counters.fullFlushesSwitch > before.fullFlushesSwitch)
    }

    /// The outcome of one `flush_tlb_func()`, from the counters around it: the initiator's own
    /// (`local`) counts in the local counters, the receivers' in the IPI counters.
    static func outcome(from before: Counters, to after: Counters, local: Bool) -> ReplayOutcome {
        if local {
            if after.fullFlushesLocal > before.fullFlushesLocal { return .full }
            if after.rangedFlushesLocal > before.rangedFlushesLocal {
                return .ranged(after.nrTLBLocalFlushOne - before.nrTLBLocalFlushOne)
            }
        } else {
            if after.fullFlushesIPI > before.fullFlushesIPI { return .full }
            if after.rangedFlushesIPI > before.rangedFlushesIPI {
                return .ranged(after.pagesInvalidated - before.pagesInvalidated)
            }
        }
        return .early
    }
}

/// What one flush request did in the model.
public struct ReplayedFlush: Hashable, Sendable {
    /// How `flush_tlb_mm_range()` went on: `flush_tlb_multi()`, a local flush only, or nothing
    /// (the initiator does not run the mm and no other CPU is in its cpumask).
    public var path: ReplayPath
    /// The CPUs sent a flush IPI.
    public var targets: [Int]
    /// What each target's `flush_tlb_func()` did, by CPU.
    public var receivers: [Int: ReplayOutcome]
    /// What the initiator's own `flush_tlb_func()` did; `nil` when it did not run.
    public var local: ReplayOutcome?
    /// The model's reason for each other CPU: why it was sent an IPI or not, and what its
    /// `flush_tlb_func()` saw (``TraceReplayer`` fills it; a trace's flush has none).
    public var reasons: [Int: String] = [:]

    public init(path: ReplayPath, targets: [Int], receivers: [Int: ReplayOutcome], local: ReplayOutcome?) {
        self.path = path
        self.targets = targets
        self.receivers = receivers
        self.local = local
    }
}

/// `flush_tlb_mm_range()`'s branch.
public enum ReplayPath: String, Hashable, Sendable {
    case multi, local, none
}

/// What a `flush_tlb_func()` run did.
public enum ReplayOutcome: Hashable, Sendable, CustomStringConvertible {
    /// INVLPG of this many pages.
    case ranged(Int)
    /// A full flush of the ASID.
    case full
    /// A lazy CPU left lazy mode (`switch_mm_irqs_off(NULL, &init_mm, NULL)`), with or
    /// without a flush of its TLB.
    case leftLazy(flushed: Bool)
    /// Returned without flushing (already up to date, or another mm loaded).
    case early

    public var description: String {
        switch self {
        case .ranged(let pages): "ranged \(pages)"
        case .full: "full"
        case .leftLazy(let flushed): flushed ? "left lazy mode (switch to init_mm, flushed)" : "left lazy mode"
        case .early: "early return"
        }
    }
}
