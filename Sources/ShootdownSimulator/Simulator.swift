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
    /// - Complexity: O(events x log CPUs), plus a scan of the CPUs after each lock release.
    @_specialize(exported:true,where S == LinuxScheme)
    @_specialize(exported:true,where S == RingScheme)
    @_specialize(exported:true,where S == OracleScheme)
    @_specialize(exported:true,where S == Linux66yScheme)
    @_specialize(exported:true,where S == Linux614Scheme)
    @_specialize(exported:true,where S == Linux615Scheme)
    public func run() -> SimulationResult { run(rereadingEveryCPU: false) }

    /// ``run()``; or, `rereadingEveryCPU`, the reference run that re-reads every CPU after
    /// every action (with the world's full footprint) and visits every TLB for the safety oracle's
    /// ghost marks (no ``GhostIndex``), which must give the same result.
    func run(rereadingEveryCPU: Bool) -> SimulationResult {
        let world = World(
            scenario: scenario, scheme: scheme, tlb: TLB(capacity: costs.l2Entries, l1Capacity: costs.l1Entries),
            footprint: rereadingEveryCPU ? .all : .wakeUps, indexesTLBs: !rereadingEveryCPU)
        var run = SimulationRun(world: world, costs: costs, rereadsEveryCPU: rereadingEveryCPU)
        run.run(maxEvents: maxEvents)
        return run.result
    }
}
