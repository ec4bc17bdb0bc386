import ShootdownModel

/// One timed simulation in progress: the world, each CPU's clock and next action, the IPIs
/// in flight and the acknowledgements seen.
///
/// After an action only the CPUs it can have affected are re-read, and of those only what it
/// can have changed: the CPU itself in full, the targets of the IPIs it queued (whether they can
/// take one), the initiator it acknowledged and the CPUs waiting on a lock it wrote
/// (``CPUReadiness/waitsOn``; whether they can step), the CPUs whose run queue it changed (a
/// wake-up) in full. The earliest action comes from an ``EventQueue``. Both keep an event's cost
/// independent of the number of CPUs but for the lock waiters' scan.
struct SimulationRun<S: Scheme>: ~Copyable {
    let costs: CostModel
    /// Re-read every CPU after every action (the reference the targeted re-reads are tested
    /// against: both must give the same run).
    let rereadsEveryCPU: Bool
    var world: World<S>
    var queue: EventQueue
    let cpus: CPUTable
    /// Arrival times of each CPU's queued IPIs, in mailbox order.
    var arrivals: [FIFO<Int>]
    /// The priced counters' totals after the last action (``PricedTotals``).
    var totals: PricedTotals
    var result = SimulationResult()
    /// The time of the action just run.
    var now = 0

    deinit { cpus.deallocate() }

    init(world: World<S>, costs: CostModel, rereadsEveryCPU: Bool = false) {
        self.world = world
        self.costs = costs
        self.rereadsEveryCPU = rereadsEveryCPU
        queue = EventQueue(cpus: world.scenario.cpuCount)
        cpus = CPUTable(
            (0..<world.scenario.cpuCount).map {
                SimulatedCPU(readiness: world.readiness($0), acksCode: Location.acks(cpu: $0).code)
            })
        arrivals = Array(repeating: FIFO(), count: world.scenario.cpuCount)
        totals = PricedTotals(world.counters, costs)
    }

    /// Runs actions until the scenario ends, a violation, or `maxEvents`.
    mutating func run(maxEvents: Int) {
        for cpu in 0..<cpus.count { schedule(cpu) }
        while result.events < maxEvents, !world.hasViolation {
            guard let (cpu, start) = queue.earliest else {
                if world.checkDeadlock() || !world.isFinished { result.isStuck = true }
                break
            }
            let action: Action =
                switch cpus[cpu].next {
                case .interrupt: .interrupt(cpu: cpu)
                case .step: .step(cpu: cpu)
                case .preempt: .preempt(cpu: cpu)
                case .none: preconditionFailure("cpu\(cpu) queued with nothing to run")
                }
            perform(action, on: cpu, at: start)
        }
        result.counters = world.counters
        result.cycles = cpus.latestClock
        result.violation = world.violation.map { world.describe($0) }
        result.flushLatencies.sort()
    }

    /// Runs `action` of `cpu`, started at `start`: prices it, re-reads the CPUs it affected and
    /// notes an initiator's latency when it leaves `flush_tlb_mm_range()`.
    mutating func perform(_ action: Action, on cpu: Int, at start: Int) {
        world.performEnabled(action)
        result.events += 1
        if case .interrupt = action {
            arrivals[cpu].removeFirst()
            if let next = arrivals[cpu].first { cpus[cpu].nextArrival = next }
        }
        let after = PricedTotals(world.counters, costs)
        now = start + price(after, since: totals)
        cpus[cpu].clock = now
        if after.contextSwitches > totals.contextSwitches { cpus[cpu].sliceStart = now }
        totals = after
        let footprint = world.footprint
        if footprint.isEverything || rereadsEveryCPU {
            // Which CPUs the action affected is not known (or, in the tests' reference run,
            // not used): every CPU is re-read, after its newly queued IPIs are noted.
            footprint.forEachWrittenCode { wake($0, by: cpu, rereads: false) }
            for other in 0..<cpus.count where other != cpu {
                noteArrivals(other)
                refresh(other)
            }
        } else {
            footprint.forEachWrittenCode { wake($0, by: cpu, rereads: true) }
        }
        let wasFlushing = cpus[cpu].readiness.isFlushing
        refresh(cpu)
        if !wasFlushing && cpus[cpu].readiness.isFlushing { cpus[cpu].flushStart = now }
        if wasFlushing && !cpus[cpu].readiness.isFlushing {
            result.flushLatencies.append(now - cpus[cpu].flushStart)
        }
    }

    /// __smp_call_single_queue(): the IPIs just queued to `target` arrive ipiLatency later.
    @inline(__always)
    mutating func noteArrivals(_ target: Int) {
        let pending = arrivals[target].count
        let queued = world.state.cpus[target].mailbox.count - pending
        guard queued > 0 else { return }
        let arrival = now + costs.ipiLatency
        if pending == 0 { cpus[target].nextArrival = arrival }
        for _ in 0..<queued { arrivals[target].append(arrival) }
    }

    /// Notes the IPIs and acknowledgements of `cpu`'s write of the location `code` stands for
    /// (``Location/code``); re-reads the CPUs the write can have let run, or stopped, if
    /// `rereads`. It tests the code's kind (``Location/Kind``) rather than build the location and
    /// switch over it: a jump through a table per write, mispredicted one time in three.
    @inline(__always)
    mutating func wake(_ code: UInt32, by cpu: Int, rereads: Bool) {
        let kind = Location.Kind.of(code)
        let other = Location.firstField(of: code)
        if kind == Location.Kind.mailbox {
            guard other != cpu else { return }
            noteArrivals(other)
            guard rereads else { return }
            // Only its mailbox changed for the target, so only whether it can take an IPI; if
            // it already could, the first IPI's arrival, and its start, stay.
            var r = cpus[other].readiness
            r.canInterrupt = world.canInterruptInPlace(other)
            if r != cpus[other].readiness { refresh(other, read: r) }
        } else if kind == Location.Kind.acks {
            guard other != cpu else { return }
            // csd_unlock(): the initiator sees the acknowledgement ackLatency later.
            cpus[other].ackReady = max(cpus[other].ackReady, now + costs.ackLatency)
            // Only its acknowledgements changed for the initiator: whether it can step, and when.
            if rereads { rereadCanStep(other, reschedules: true) }
        } else if kind == Location.Kind.runqueue {
            if other != cpu && rereads { refresh(other) }
        } else if kind == Location.Kind.mmapLock || kind == Location.Kind.ptl || kind == Location.Kind.isLazy {
            guard rereads else { return }
            // Only the lock (or the `loaded_mm` 6.15's finish_asid_transition() waits on)
            // changed for a waiter, so only whether it can step (what else this action wrote for
            // it re-reads that); a waiter whose readiness did not change keeps its start.
            for word in 0..<cpus.words {
                var waiters = cpus.waiters(on: code, word: word)
                if word == cpu >> 6 { waiters &= ~(1 << UInt64(cpu & 63)) }
                while waiters != 0 {
                    let waiter = word << 6 + waiters.trailingZeroBitCount
                    waiters &= waiters - 1
                    rereadCanStep(waiter, reschedules: false)
                }
            }
        }
    }

    /// Re-reads only whether `cpu` can step (all a lock or acknowledgements change in its
    /// readiness), and reschedules it if that changed, or always if `reschedules` (its start
    /// moved).
    @inline(__always)
    mutating func rereadCanStep(_ cpu: Int, reschedules: Bool) {
        var r = cpus[cpu].readiness
        r.canStep = world.canStepInPlace(cpu)
        if reschedules || r != cpus[cpu].readiness { refresh(cpu, read: r) }
    }

    /// Re-reads `cpu`'s readiness; a CPU that could not run and now can resumes no earlier
    /// than `now`.
    /// - Parameter read: the readiness, when the caller just read it.
    @inline(__always)
    mutating func refresh(_ cpu: Int, read: CPUReadiness? = nil) {
        let could = cpus[cpu].readiness.canInterrupt || cpus[cpu].readiness.canStep
        let r = read ?? world.readinessInPlace(cpu)
        cpus.setReadiness(r, of: cpu)
        if !could && (r.canInterrupt || r.canStep) { cpus[cpu].clock = max(cpus[cpu].clock, now) }
        schedule(cpu)
    }

    /// Chooses `cpu`'s next action and when it can start: a pending IPI first on a tie; a step
    /// after the acknowledgements when it ends a wait for them; a preemption instead of the step
    /// once the thread ran its time slice and another can run.
    @inline(__always)
    mutating func schedule(_ cpu: Int) {
        let r = cpus[cpu].readiness
        let clock = cpus[cpu].clock
        var start = Int.max
        var next = SimulatedCPU.Next.none
        if r.canInterrupt {
            start = max(clock, cpus[cpu].nextArrival)
            next = .interrupt
        }
        if r.canStep {
            let stepStart = r.waitCode == cpus[cpu].acksCode ? max(clock, cpus[cpu].ackReady) : clock
            if stepStart < start {
                start = stepStart
                next = clock - cpus[cpu].sliceStart >= costs.timeSlice && r.canPreempt ? .preempt : .step
            }
        }
        cpus[cpu].next = next
        queue.set(cpu, start: next == .none ? nil : start)
    }

    /// The cycles of an action from the priced totals' changes; adds the flushing and refilling
    /// parts to the result.
    @inline(__always)
    mutating func price(_ after: PricedTotals, since before: PricedTotals) -> Int {
        let fills = after.fills &- before.fills
        let hits = after.hits &- before.hits
        let refill = fills &* costs.pageWalk
        let flush = after.flush &- before.flush
        result.flushCycles += flush
        result.refillCycles += refill
        let l2Hits = after.l2Hits &- before.l2Hits
        let base = fills + hits > 0 ? (hits &- l2Hits) &* costs.tlbHit &+ l2Hits &* costs.l2Hit : costs.step
        return base &+ refill &+ flush &+ (after.faultsAndSwitches &- before.faultsAndSwitches)
    }
}
