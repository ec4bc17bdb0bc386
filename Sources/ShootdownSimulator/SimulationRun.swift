import ShootdownModel

/// One timed simulation in progress: the world, each CPU's clock and next action, the IPIs
/// in flight and the acknowledgements seen.
///
/// After an action only the CPUs it can have affected are re-read: the CPU itself, the targets
/// of the IPIs it queued, the initiator it acknowledged, the CPUs whose run queue it changed
/// (a wake-up), and the CPUs waiting on a lock it wrote (``CPUReadiness/waitsOn``). The
/// earliest action comes from an ``EventQueue``. Both keep an event's cost independent of the
/// number of CPUs but for the lock waiters' scan.
struct SimulationRun<S: Scheme> {
    let costs: CostModel
    var world: World<S>
    var queue: EventQueue
    /// When each CPU is free to start its next action.
    var clock: [Int]
    /// What each CPU can do (as last read).
    var readiness: [CPUReadiness]
    /// The action each CPU would run next, when it can run one.
    var next: [Action?]
    /// Arrival times of each CPU's queued IPIs, in mailbox order, from `arrivalHead` on.
    var arrivals: [[Int]]
    var arrivalHead: [Int]
    /// When an initiator sees its latest acknowledgement (`csd_unlock()` plus the latency).
    var ackReady: [Int]
    /// When each CPU's `flush_tlb_mm_range()` began, while it runs (`nil`: not inside it; only
    /// a CPU's own actions change that).
    var flushStart: [Int?]
    /// When each CPU's current thread was switched in (for the time slice).
    var sliceStart: [Int]
    var result = SimulationResult()
    /// The time of the action just run.
    var now = 0

    init(world: World<S>, costs: CostModel) {
        let cpus = world.scenario.cpuCount
        self.world = world
        self.costs = costs
        queue = EventQueue(cpus: cpus)
        clock = Array(repeating: 0, count: cpus)
        readiness = (0..<cpus).map { world.readiness($0) }
        next = Array(repeating: nil, count: cpus)
        arrivals = Array(repeating: [], count: cpus)
        arrivalHead = Array(repeating: 0, count: cpus)
        ackReady = Array(repeating: 0, count: cpus)
        flushStart = Array(repeating: nil, count: cpus)
        sliceStart = Array(repeating: 0, count: cpus)
        for cpu in 0..<cpus { schedule(cpu) }
    }

    /// Runs actions until the scenario ends, a violation, or `maxEvents`.
    mutating func run(maxEvents: Int) {
        while result.events < maxEvents, !world.hasViolation {
            guard let (cpu, start) = queue.earliest, let action = next[cpu] else {
                if world.checkDeadlock() || !world.isFinished { result.isStuck = true }
                break
            }
            perform(action, on: cpu, at: start)
        }
        result.counters = world.counters
        result.cycles = clock.max() ?? 0
        result.violation = world.violation.map { world.describe($0) }
        result.flushLatencies.sort()
    }

    mutating func perform(_ action: Action, on cpu: Int, at start: Int) {
        let before = world.counters
        let wasFlushing = flushStart[cpu] != nil
        world.performEnabled(action)
        result.events += 1
        if case .interrupt = action {
            arrivalHead[cpu] += 1
            if arrivalHead[cpu] == arrivals[cpu].count {
                arrivals[cpu].removeAll(keepingCapacity: true)
                arrivalHead[cpu] = 0
            }
        }
        now = start + price(world.counters, since: before)
        clock[cpu] = now
        if world.counters.contextSwitches > before.contextSwitches { sliceStart[cpu] = now }
        let footprint = world.footprint
        if footprint.isEverything {
            for other in clock.indices where other != cpu { refresh(other) }
        } else {
            footprint.forEachWrite { wake($0, by: cpu) }
        }
        refresh(cpu)
        let isFlushing = world.isFlushing(cpu)
        if !wasFlushing && isFlushing { flushStart[cpu] = now }
        if wasFlushing && !isFlushing {
            result.flushLatencies.append(now - flushStart[cpu]!)
            flushStart[cpu] = nil
        }
    }

    /// Re-reads the CPUs that `cpu`'s write of `location` can have let run, or stopped.
    mutating func wake(_ location: Location, by cpu: Int) {
        switch location {
        case .mailbox(let target) where target != cpu:
            // __smp_call_single_queue(): the IPIs queued arrive ipiLatency later.
            let queued = world.state.cpus[target].mailbox.count - (arrivals[target].count - arrivalHead[target])
            for _ in 0..<max(0, queued) { arrivals[target].append(now + costs.ipiLatency) }
            refresh(target)
        case .acks(let initiator) where initiator != cpu:
            // csd_unlock(): the initiator sees the acknowledgement ackLatency later.
            ackReady[initiator] = max(ackReady[initiator], now + costs.ackLatency)
            refresh(initiator)
        case .runqueue(let other) where other != cpu:
            refresh(other)
        case .mmapLock, .ptl:
            let code = location.code
            for other in readiness.indices where readiness[other].waitCode == code && other != cpu { refresh(other) }
        default:
            break
        }
    }

    /// Re-reads `cpu`'s readiness; a CPU that could not run and now can resumes no earlier
    /// than `now`.
    mutating func refresh(_ cpu: Int) {
        let could = readiness[cpu].canInterrupt || readiness[cpu].canStep
        readiness[cpu] = world.readiness(cpu)
        if !could && (readiness[cpu].canInterrupt || readiness[cpu].canStep) { clock[cpu] = max(clock[cpu], now) }
        schedule(cpu)
    }

    /// Chooses `cpu`'s next action and when it can start: a pending IPI first on a tie; a step
    /// after the acknowledgements when it ends a wait for them; a preemption instead of the step
    /// once the thread ran its time slice and another can run.
    mutating func schedule(_ cpu: Int) {
        let r = readiness[cpu]
        var start: Int?
        var action: Action?
        if r.canInterrupt {
            start = max(clock[cpu], arrivals[cpu][arrivalHead[cpu]])
            action = .interrupt(cpu: cpu)
        }
        if r.canStep {
            let stepStart = r.waitCode == Location.acks(cpu: cpu).code ? max(clock[cpu], ackReady[cpu]) : clock[cpu]
            if start == nil || stepStart < start! {
                start = stepStart
                let preempts = clock[cpu] - sliceStart[cpu] >= costs.timeSlice && r.canPreempt
                action = preempts ? .preempt(cpu: cpu) : .step(cpu: cpu)
            }
        }
        next[cpu] = action
        queue.set(cpu, start: start)
    }

    /// The cycles of an action from its counters' changes; adds the flushing and refilling
    /// parts to the result.
    mutating func price(_ after: Counters, since before: Counters) -> Int {
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
