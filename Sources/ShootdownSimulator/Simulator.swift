import ShootdownModel

/// Runs a scenario's step machines in simulated time under a cost model: the same ``World``
/// the checker explores, scheduled as a discrete-event simulation instead of by choice.
///
/// Every CPU has a clock. The next action is always the enabled one that can start earliest
/// (ties go to the lowest CPU), so the schedule, and every figure, follows from the scenario,
/// the scheme and the cost model alone. An action costs what it did: its counters' changes
/// priced by the ``CostModel`` (INVLPGs, full flushes, page walks, IPIs queued, faults, context
/// switches), or one ``CostModel/step`` for a kernel step the model prices no other way. A flush
/// IPI can be taken ``CostModel/ipiLatency`` after it was queued; a thread that ran a
/// ``CostModel/timeSlice`` is preempted for another runnable thread of its CPU; each CPU's TLB holds
/// ``CostModel/l2Entries`` entries with least-recently-used replacement; an initiator's wait ends
/// ``CostModel/ackLatency`` after the last acknowledgement; a CPU that could not run (a lock,
/// an event, idle) resumes no earlier than the action that let it.
public struct Simulator<S: Scheme>: Sendable {
    public var scenario: Scenario
    public var scheme: S
    public var costs: CostModel
    /// Actions after which the run stops (a spin that never ends).
    public var maxEvents: Int

    public init(scenario: Scenario, scheme: S, costs: CostModel = CostModel(), maxEvents: Int = 50_000_000) {
        self.scenario = scenario
        self.scheme = scheme
        self.costs = costs
        self.maxEvents = maxEvents
    }

    /// Runs the scenario to its end.
    /// - Complexity: O(events x CPUs).
    @_specialize(exported:true,where S == LinuxScheme)
    @_specialize(exported:true,where S == RingScheme)
    @_specialize(exported:true,where S == OracleScheme)
    public func run() -> SimulationResult {
        var world = World(
            scenario: scenario, scheme: scheme, tlb: TLB(capacity: costs.l2Entries, l1Capacity: costs.l1Entries))
        let cpus = scenario.cpuCount
        var clock = Array(repeating: 0, count: cpus)
        // Per CPU: whether it can take an IPI, whether it can step (cached; refreshed for the
        // CPUs an action can have changed).
        var canInterrupt = Array(repeating: false, count: cpus)
        var canStep = Array(repeating: false, count: cpus)
        /// Whether the CPU's next step ends a wait for acknowledgements (`csd_lock_wait()`).
        var waitsForAcks = Array(repeating: false, count: cpus)
        var arrivals = Array(repeating: [Int](), count: cpus)
        var arrivalHead = Array(repeating: 0, count: cpus)
        var ackReady = Array(repeating: 0, count: cpus)
        var waitingAcks: [(cpu: Int, pending: Int)] = []
        var flushStart: [Int?] = Array(repeating: nil, count: cpus)
        /// When each CPU's current thread was switched in (for the time slice).
        var sliceStart = Array(repeating: 0, count: cpus)
        var result = SimulationResult()
        var now = 0

        /// Re-reads `cpu`'s enabled actions; a CPU that could not run and now can resumes no
        /// earlier than `now`.
        func refresh(_ cpu: Int) {
            let couldRun = canInterrupt[cpu] || canStep[cpu]
            canInterrupt[cpu] = world.canInterrupt(cpu)
            canStep[cpu] = world.canStep(cpu)
            if case .flushTLBMMRange(let call)? = world.state.cpus[cpu].stack.last, call.pc == .wait {
                waitsForAcks[cpu] = true
            } else {
                waitsForAcks[cpu] = false
            }
            if !couldRun && (canInterrupt[cpu] || canStep[cpu]) { clock[cpu] = max(clock[cpu], now) }
        }
        for cpu in 0..<cpus { refresh(cpu) }

        while result.events < maxEvents, world.violation == nil {
            // The action that can start earliest; ties go to the lowest CPU, an IPI first.
            var best: (action: Action, start: Int)?
            for cpu in 0..<cpus {
                if canInterrupt[cpu] {
                    let start = max(clock[cpu], arrivals[cpu][arrivalHead[cpu]])
                    if best == nil || start < best!.start { best = (.interrupt(cpu: cpu), start) }
                }
                if canStep[cpu] {
                    let start = waitsForAcks[cpu] ? max(clock[cpu], ackReady[cpu]) : clock[cpu]
                    // The slice is over and another thread of the CPU can run: preempt.
                    let preempts = clock[cpu] - sliceStart[cpu] >= costs.timeSlice && world.canPreempt(cpu)
                    if best == nil || start < best!.start {
                        best = (preempts ? .preempt(cpu: cpu) : .step(cpu: cpu), start)
                    }
                }
            }
            guard let (action, start) = best else {
                if world.checkDeadlock() || !world.isFinished { result.isStuck = true }
                break
            }
            let cpu = action.cpu
            let before = world.counters
            let wasFlushing = isFlushing(world, cpu)
            world.perform(action)
            result.events += 1
            if case .interrupt = action { arrivalHead[cpu] += 1 }
            clock[cpu] = start + price(world.counters, since: before, into: &result)
            now = clock[cpu]
            if world.counters.contextSwitches > before.contextSwitches { sliceStart[cpu] = now }
            if world.counters.ipisSent > before.ipisSent {
                // __smp_call_single_queue(): the IPIs this action queued arrive ipiLatency later.
                for target in 0..<cpus
                where world.state.cpus[target].mailbox.count > arrivals[target].count - arrivalHead[target] {
                    arrivals[target].append(now + costs.ipiLatency)
                    refresh(target)
                }
                if !waitingAcks.contains(where: { $0.cpu == cpu }) {
                    waitingAcks.append((cpu, world.state.cpus[cpu].pendingAcks))
                }
                waitingAcks = waitingAcks.map {
                    ($0.cpu, $0.cpu == cpu ? world.state.cpus[cpu].pendingAcks : $0.pending)
                }
            }
            // csd_unlock(): an initiator sees each acknowledgement ackLatency later.
            var index = 0
            while index < waitingAcks.count {
                let (initiator, pending) = waitingAcks[index]
                let left = world.state.cpus[initiator].pendingAcks
                if left < pending {
                    ackReady[initiator] = max(ackReady[initiator], now + costs.ackLatency)
                    refresh(initiator)
                }
                if left == 0 {
                    waitingAcks.remove(at: index)
                } else {
                    waitingAcks[index].pending = left
                    index += 1
                }
            }
            if world.footprint.mayWakeOtherCPUs {
                for other in 0..<cpus { refresh(other) }
            } else {
                refresh(cpu)
            }
            let isNowFlushing = isFlushing(world, cpu)
            if !wasFlushing && isNowFlushing { flushStart[cpu] = now }
            if wasFlushing && !isNowFlushing, let began = flushStart[cpu] {
                result.flushLatencies.append(now - began)
                flushStart[cpu] = nil
            }
        }
        result.counters = world.counters
        result.cycles = clock.max() ?? 0
        result.violation = world.violation.map { world.describe($0) }
        result.flushLatencies.sort()
        return result
    }

    /// Whether `cpu` is inside `flush_tlb_mm_range()`.
    func isFlushing(_ world: World<S>, _ cpu: Int) -> Bool {
        world.state.cpus[cpu].stack.contains {
            if case .flushTLBMMRange = $0 { return true }
            return false
        }
    }

    /// The cycles of an action from its counters' changes; adds the flushing and refilling
    /// parts to `result`.
    func price(_ after: Counters, since before: Counters, into result: inout SimulationResult) -> Int {
        let fills = after.tlbFills - before.tlbFills
        let hits = after.tlbHits - before.tlbHits
        let refill = fills * costs.pageWalk
        let flushRuns =
            (after.rangedFlushes - before.rangedFlushes) + (after.fullFlushesIPI - before.fullFlushesIPI)
            + (after.fullFlushesLocal - before.fullFlushesLocal)
        let flush =
            (after.pagesInvalidated - before.pagesInvalidated) * costs.invlpg
            + (after.fullFlushes - before.fullFlushes) * costs.fullFlush
            + flushRuns * costs.flushSetup
            + (after.ipisSent - before.ipisSent) * costs.ipiSend
            + (after.ringSlotsRead - before.ringSlotsRead) * costs.ringSlotRead
        result.flushCycles += flush
        result.refillCycles += refill
        let l2Hits = after.tlbL2Hits - before.tlbL2Hits
        let base = fills + hits > 0 ? (hits - l2Hits) * costs.tlbHit + l2Hits * costs.l2Hit : costs.step
        return base + refill + flush
            + (after.pageFaults - before.pageFaults) * costs.pageFault
            + (after.contextSwitches - before.contextSwitches) * costs.contextSwitch
    }
}

/// What a timed simulation measured.
public struct SimulationResult: Hashable, Sendable {
    /// The model's counters at the end.
    public var counters = Counters()
    /// Simulated time: the latest CPU clock, in cycles.
    public var cycles = 0
    /// Cycles spent invalidating: INVLPGs, full flushes, handler runs, IPIs queued, ring reads.
    public var flushCycles = 0
    /// Cycles spent walking page tables to fill the TLB.
    public var refillCycles = 0
    /// Cycles from entering to leaving `flush_tlb_mm_range()` on the initiator, sorted.
    public var flushLatencies: [Int] = []
    /// Actions simulated.
    public var events = 0
    /// The first violation, described.
    public var violation: String?
    /// The run ended with threads that could never finish.
    public var isStuck = false

    /// The `p`-th percentile (0...100) of the initiator latencies, nearest rank; 0 when none.
    public func latency(percentile p: Int) -> Int {
        guard !flushLatencies.isEmpty else { return 0 }
        let rank = (p * flushLatencies.count + 99) / 100
        return flushLatencies[max(0, min(flushLatencies.count - 1, rank - 1))]
    }
}
