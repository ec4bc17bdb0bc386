import ShootdownModel

/// The causal slice of a violating schedule: the few steps whose order across CPUs makes the
/// violation, the ones a reviewer reads first.
///
/// A slice is a subsequence of the schedule's steps, the violating step last. It stands for the
/// schedule ``replay(_:keys:)`` runs: the slice's steps in order, each preceded by the steps of
/// its own CPU not yet run (program order), and by whatever steps of other CPUs it needs to be
/// enabled. Every other step runs as late as that lets it, so the slice keeps the cross-CPU
/// orders the violation needs (the fill of the stale entry before the PTE change, the reads that
/// decided who was flushed, the coherence point before the use) and the steps that tell the
/// story (``landmarks(_:violation:)``). The slicer starts from every step and drops one at a
/// time while the replay still ends in a violation of the same kind on the same CPU (a replay,
/// not an analysis of footprints, so the slice is sound by construction); dropping any one more
/// step loses the violation or a step of the story.
public struct CausalSlicer<S: Scheme> {
    public let scenario: Scenario
    public let scheme: S

    /// A slicer of `scheme`'s schedules on `scenario`.
    public init(scenario: Scenario, scheme: S) {
        self.scenario = scenario
        self.scheme = scheme
    }

    /// The slice of `schedule`, as indices into it in increasing order, the violating step last;
    /// empty if `schedule` does not end in a violation. It is the steps that tell the story
    /// (``landmarks(_:violation:)``) and the fewest others whose order the violation needs besides
    /// theirs (``orderingSteps(_:keeping:)``).
    public func slice(_ schedule: [Action]) -> [Int] { explainedSlice(schedule).map(\.step) }

    /// ``slice(_:)`` with why each step matters, in a line: what it did to the stale entry, the
    /// PTE, the frame or the state that decided who flushed, with the values
    /// (``landmarks(_:violation:)``), or that the violation needs its order.
    public func explainedSlice(_ schedule: [Action]) -> [(step: Int, why: String)] {
        guard let violation = Runner(scenario: scenario, scheme: scheme).run(.scripted(schedule)).violation else {
            return []
        }
        let told = landmarks(schedule, violation: violation)
        return orderingSteps(schedule, keeping: Set(told.keys)).map {
            ($0, told[$0] ?? "ordering: without this step here, the violation does not happen")
        }
    }

    /// Whether the slice `keys` replays (``replay(_:keys:)``) to a violation like `violation` (its
    /// kind, on its CPU).
    func keepsViolation(_ schedule: [Action], keys: [Int], _ violation: Violation) -> Bool {
        let replayed = replay(schedule, keys: keys)
        return replayed?.kind == violation.kind && replayed?.cpu == violation.cpu
    }

    /// `kept` and the fewest other steps whose order across CPUs the violation needs besides
    /// theirs: from every step, one not kept dropped at a time while the composed schedule still
    /// violates, trying the earliest first and, separately, the latest first; the smaller wins.
    public func orderingSteps(_ schedule: [Action], keeping kept: Set<Int> = []) -> [Int] {
        guard let violation = Runner(scenario: scenario, scheme: scheme).run(.scripted(schedule)).violation else {
            return []
        }
        let forward = dropSteps(schedule, keeping: kept, latestFirst: false, violation)
        let backward = dropSteps(schedule, keeping: kept, latestFirst: true, violation)
        return backward.count < forward.count ? backward : forward
    }

    /// One greedy pass order of ``orderingSteps(_:keeping:)``, repeated until nothing drops.
    func dropSteps(_ schedule: [Action], keeping kept: Set<Int>, latestFirst: Bool, _ violation: Violation) -> [Int] {
        var keys = Array(schedule.indices)
        var dropped = true
        while dropped {
            dropped = false
            let candidates = keys.dropLast().filter { !kept.contains($0) }
            for candidate in latestFirst ? candidates.reversed() : candidates {
                let fewer = keys.filter { $0 != candidate }
                if keepsViolation(schedule, keys: fewer, violation) {
                    keys = fewer
                    dropped = true
                }
            }
        }
        return keys
    }

    /// The steps that tell the violation's story, each with why it matters (``reason(_:_:_:)``),
    /// found from what each step changed and read (its footprint) and its timeline: the violating
    /// CPU's fill of the stale entry and its reads of the mm's `tlb_gen` once another CPU bumped it; every change of the page's PTE and
    /// every write of the frame; the revoking operation's return (its coherence point); the bumps
    /// of `tlb_gen` by the operations that change the page's PTE and their reads of the violating
    /// CPU's `is_lazy` and `loaded_mm` (whether it is flushed); the deferred flushes' bookkeeping
    /// (reclaim's batch set, the violating CPU's check of it, its and those operations' reads of
    /// `tlb_flush_pending`); and the mm's global ASID and transition (6.15). Other operations'
    /// flushes are in the slice only where their order matters (``orderingSteps(_:keeping:)``).
    public func landmarks(_ schedule: [Action], violation: Violation) -> [Int: String] {
        var world = World(scenario: scenario, scheme: scheme)
        let victim = violation.cpu
        // The stale entry: the victim's cached translation of the page to the frame.
        func cachesEntry(_ world: World<S>) -> Bool {
            world.state.cpus[victim].tlb.entries.contains {
                $0.mm == violation.mm && $0.page == violation.page && $0.frame == violation.frame
            }
        }
        // The operations (thread, index) that change the page's PTE: their flushes and decisions
        // tell the story, other operations' only where their order matters.
        func operation(of cpu: Int, in world: World<S>) -> Operation? {
            world.state.cpus[cpu].current.map { Operation(thread: $0, op: world.state.threads[$0].pc) }
        }
        func pte(_ world: World<S>) -> PTE? {
            violation.mm.flatMap { mm in violation.page.map { world.state.mms[mm].ptes[$0] } }
        }
        var pageOperations: Set<Operation> = []
        var scout = World(scenario: scenario, scheme: scheme)
        for action in schedule {
            let before = pte(scout)
            let current = operation(of: action.cpu, in: scout)
            scout.perform(action)
            if let current, before != pte(scout) { pageOperations.insert(current) }
        }
        if let r = violation.revocation { pageOperations.insert(Operation(thread: r.thread, op: r.op)) }
        var steps: [Int: String] = [
            schedule.count - 1: "the violation (\(violation.kind.rawValue))"
        ]
        var lastFill: Int?
        // Whether another CPU bumped the mm's generation yet: the victim's reads of it matter from then on.
        var bumped = false
        for (index, action) in schedule.enumerated() {
            let cachedBefore = cachesEntry(world)
            let pteBefore = pte(world)
            let current = operation(of: action.cpu, in: world)
            let revokes = violation.page == nil || current.map(pageOperations.contains) == true
            world.perform(action)
            var why: [String] = []
            if let mm = violation.mm, let page = violation.page, let before = pteBefore, let after = pte(world),
                before != after
            {
                let value = world.describe(.page(mm: mm, page: page))
                // A mapping or more permission makes nothing stale; anything else does.
                let grants =
                    after.isPresent && (!before.isPresent || (before.frame == after.frame && after.isWritable))
                why.append(grants ? "maps \(value)" : "changes \(value): copies cached before are stale")
            }
            world.footprint.forEachCode { code, isWrite in
                let location = Location(code: code)
                if case .tlbGen(let mm) = location, mm == violation.mm, isWrite, action.cpu != victim {
                    bumped = true
                }
                let access = Access(
                    isWrite: isWrite, byVictim: action.cpu == victim, revokes: revokes, afterBump: bumped)
                if Self.tells(location, access, violation) {
                    let reason = Self.reason(location, access, world)
                    if !why.contains(reason) { why.append(reason) }
                }
            }
            // The revoking operation returns: its coherence point.
            if let r = violation.revocation, current == Operation(thread: r.thread, op: r.op),
                world.state.threads[r.thread].pc != r.op
            {
                why.append("the operation that revoked the entry returns: every copy must be gone from here")
            }
            if action.cpu == victim, !cachedBefore, cachesEntry(world) { lastFill = index }
            if !why.isEmpty, steps[index] == nil { steps[index] = why.joined(separator: "; ") }
        }
        if let lastFill {
            let fill = "fills the entry the violation uses"
            steps[lastFill] = steps[lastFill].map { fill + "; " + $0 } ?? fill
        }
        return steps
    }

    /// Why an access that ``tells(_:_:_:)`` the story matters, with the value it read or wrote.
    static func reason<T>(_ location: Location, _ access: Access, _ world: World<T>) -> String {
        let value = world.describe(location)
        switch location {
        case .frame: return "frees or reuses \(value), which the stale entry reaches"
        case .tlbGen:
            return access.isWrite
                ? "bumps \(value): the CPUs it flushes must reach this generation"
                : "reads \(value): compares it with its own generation, whether it must flush"
        case .isLazy, .loadedMM: return "reads \(value): whether that CPU gets an IPI"
        case .flushPending: return "reads \(value): whether a flush is still in progress"
        default: return access.isWrite ? "sets \(value)" : "reads \(value)"
        }
    }

    /// A thread's operation: the thread and the index of the operation in its script.
    struct Operation: Hashable {
        var thread: Int
        var op: Int
    }

    /// How a step touched a location, for ``tells(_:_:_:)``.
    struct Access {
        var isWrite: Bool
        /// The violating CPU made it.
        var byVictim: Bool
        /// It belongs to an operation that changes the page's PTE.
        var revokes: Bool
        /// Another CPU bumped the mm's generation already.
        var afterBump: Bool
    }

    /// Whether an access to `location` tells the story of `violation` (``landmarks(_:violation:)``).
    static func tells(_ location: Location, _ access: Access, _ violation: Violation) -> Bool {
        let victim = violation.cpu
        switch location {
        case .frame(let frame): return access.isWrite && frame == violation.frame
        case .tlbGen(let mm):
            guard mm == violation.mm else { return false }
            return access.isWrite ? !access.byVictim && access.revokes : access.byVictim && access.afterBump
        case .isLazy(let cpu), .loadedMM(let cpu): return cpu == victim && access.revokes && !access.isWrite
        case .globalASID(let mm), .asidTransition(let mm):
            return mm == violation.mm && (access.isWrite || access.byVictim)
        // Deferred flushes: reclaim's batch set and checked (`flush_tlb_batched_pending()`), and
        // the decisions read from `tlb_flush_pending` (`mm_tlb_flush_nested()`, `pte_accessible()`).
        case .flushBatched(let mm): return mm == violation.mm && (access.isWrite || access.byVictim)
        case .flushPending(let mm): return mm == violation.mm && !access.isWrite && (access.byVictim || access.revokes)
        default: return false
        }
    }

    /// Runs the schedule a slice stands for and returns its violation, if any: the slice's steps
    /// in order, each preceded by the steps of its own CPU that come before it in `schedule`, and
    /// where a step is not enabled (a lock, an event, an acknowledgement, an IPI to take), first
    /// the next steps of other CPUs, earliest in `schedule` first, until it is.
    public func replay(_ schedule: [Action], keys: [Int]) -> Violation? {
        var world = World(scenario: scenario, scheme: scheme)
        var enabled: [Action] = []
        var done = [Bool](repeating: false, count: schedule.count)
        // Each CPU's next step not run yet, in its program order.
        var heads = [Int](repeating: schedule.count, count: scenario.cpuCount)
        for index in schedule.indices.reversed() { heads[schedule[index].cpu] = index }
        func advance(_ cpu: Int) {
            var next = heads[cpu] + 1
            while next < schedule.count, done[next] || schedule[next].cpu != cpu { next += 1 }
            heads[cpu] = next
        }
        func isEnabled(_ action: Action) -> Bool {
            enabled.removeAll(keepingCapacity: true)
            world.enabledActions(into: &enabled)
            return enabled.contains(action)
        }
        for key in keys {
            let cpu = schedule[key].cpu
            while heads[cpu] <= key {
                let index = heads[cpu]
                while !isEnabled(schedule[index]) {
                    let helpers = heads.indices.filter { $0 != cpu && heads[$0] < schedule.count }.map { heads[$0] }
                    guard let helper = helpers.sorted().first(where: { isEnabled(schedule[$0]) }) else { return nil }
                    world.perform(schedule[helper])
                    done[helper] = true
                    advance(schedule[helper].cpu)
                    if world.hasViolation { return world.violation }
                }
                world.perform(schedule[index])
                done[index] = true
                advance(cpu)
                if world.hasViolation { return world.violation }
            }
        }
        return world.violation
    }
}
