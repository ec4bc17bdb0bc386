import ShootdownModel

/// Depth-first exploration of every schedule of a scenario within bounds, with a visited set of
/// state fingerprints and sleep-set partial-order reduction (Godefroid, 1996): after exploring
/// action `a` from a state, a sibling `b` explored later puts `a` to sleep in `b`'s subtree when
/// the two commute (different CPUs, footprints without a conflict), so no interleaving of
/// independent steps is explored twice. Sleep sets prune transitions, not states: every reachable
/// state is still visited, which the soundness test checks against exploration without them.
/// A state revisited with a sleep set that is not a superset of the stored one is explored again
/// for the actions it slept on before (the fix that keeps sleep sets sound with state caching).
/// A sleeping action's footprint travels with it from the state where it was taken or carried:
/// the actions taken since wrote nothing it reads, so it would touch the same state again.
public struct ExhaustiveChecker<S: Scheme>: Sendable {
    public var scenario: Scenario
    public var scheme: S
    public var bounds: CheckBounds
    /// Whether to use sleep sets.
    public var usesReduction: Bool
    /// States after which the search stops, incomplete (``ExplorationStats/isIncomplete``);
    /// `nil` for no limit.
    public var maxStates: Int?
    /// Bytes the visited states may take (the fingerprint table and the terminal states); past
    /// them the search stops, incomplete (``ExplorationStats/hitMemoryBound``), instead of the
    /// machine running out of memory. `nil` for no bound.
    public var maxMemory: Int?
    /// Asked about every 4096 new states: whether to stop now, incomplete
    /// (``ExplorationStats/wasInterrupted``), as after Ctrl-C. `nil` never stops.
    public var shouldStop: (@Sendable () -> Bool)?

    /// The most CPUs a scenario may have (the visited table keeps 16 bits of sleep set, three
    /// actions per CPU).
    public static var maxCPUs: Int { ActionSet.maxCPUs }

    public init(scenario: Scenario, scheme: S, bounds: CheckBounds = .standard, usesReduction: Bool = true) {
        precondition(scenario.cpuCount <= Self.maxCPUs, "the checker handles at most \(Self.maxCPUs) CPUs")
        self.scenario = scenario
        self.scheme = scheme
        self.bounds = bounds
        self.usesReduction = usesReduction
    }

    /// One DFS frame: a state and what is left to explore from it.
    struct Frame {
        var fingerprint: UInt64
        var preemptions: Int
        /// The state; successors are computed from it when the search takes an action. Moved
        /// out (`nil`) when the last action is taken, so that successor is made in place.
        var world: World<S>?
        var actions: [Action]
        /// Each action's footprint, once the action was performed from here.
        var footprints: [Footprint?]
        var next = 0
        /// Actions asleep here: explored already on a path that reaches the same states.
        var sleep: ActionSet
        /// Actions not to explore from here: the sleeping ones, and on a revisit those explored
        /// on the first visit.
        var skip: ActionSet
        /// Actions explored from here so far.
        var done = ActionSet()
        /// The action that led here.
        var via: Action?
    }

    /// Explores; `progress` is called about every 4096 new states.
    @_specialize(exported:true,where S == LinuxScheme)
    @_specialize(exported:true,where S == RingScheme)
    @_specialize(exported:true,where S == OracleScheme)
    public func run(
        progress: ((ExplorationStats) -> Void)? = nil, onState: ((UInt64) -> Void)? = nil
    ) -> ExhaustiveResult {
        let clock = ContinuousClock()
        let start = clock.now
        var stats = ExplorationStats()
        var visited = VisitedTable()
        var terminal = Set<UInt64>()
        var stack: [Frame] = []
        var violationPath: [Action]?
        var violation: Violation?

        let root = World(scenario: scenario, scheme: scheme)
        let rootFingerprint = fingerprint(root, preemptions: 0)
        _ = visited.insert(rootFingerprint, sleep: 0, depth: 0)
        stack.append(
            expand(
                root, fingerprint: rootFingerprint, preemptions: 0, sleep: ActionSet(), skip: ActionSet(), via: nil,
                stats: &stats))
        stats.states = 1

        search: while !stack.isEmpty {
            let top = stack.count - 1
            if stack[top].next == stack[top].actions.count {
                if stack[top].actions.isEmpty { terminal.insert(stack[top].fingerprint) }
                stack.removeLast()
                continue
            }
            let index = stack[top].next
            stack[top].next += 1
            let action = stack[top].actions[index]
            if stack[top].skip.contains(action) { continue }
            var child = stack[top].world!
            if stack[top].next == stack[top].actions.count { stack[top].world = nil }
            child.performEnabled(action)
            stack[top].footprints[index] = child.footprint
            stats.transitions += 1
            if child.hasViolation {
                violation = child.violation
                violationPath = stack.dropFirst().compactMap(\.via) + [action]
                break search
            }
            // The child's sleep set: asleep or already explored here, and independent of `action`.
            // Each sleeper's footprint goes with it: `action` wrote nothing it reads, so it
            // would do the same from the child (no need to perform it there to find out).
            var childSleep = ActionSet()
            var carried = SleeperFootprints()
            if usesReduction {
                let taken = child.footprint
                for (i, other) in stack[top].actions.enumerated() where other.cpu != action.cpu {
                    guard stack[top].sleep.contains(other) || stack[top].done.contains(other) else { continue }
                    // Done here, or asleep with its footprint carried: known either way.
                    let sleeper = stack[top].footprints[i]!
                    if !sleeper.conflicts(with: taken) {
                        childSleep.insert(other)
                        carried[other] = sleeper
                    }
                }
            }
            stack[top].done.insert(action)
            let preemptions = stack[top].preemptions + (action.isPreemption ? 1 : 0)
            let childFingerprint = fingerprint(child, preemptions: preemptions)
            var skip = childSleep
            let depth = stack.count
            if let stored = visited.insert(childFingerprint, sleep: childSleep.bits, depth: depth) {
                // Seen. Once the depth bound cut some subtree, a state reached with more depth
                // left than it was explored with is explored again (SPIN's -DREACH), so that the
                // bound cuts schedules, never states reachable within it.
                if stats.depthBoundHits > 0 && depth < stored.depth {
                    visited.update(childFingerprint, sleep: childSleep.bits, depth: depth)
                } else {
                    // Explore again only what was asleep then and is awake now.
                    let awakened = stored.sleep & ~childSleep.bits
                    if awakened == 0 { continue }
                    skip = ActionSet(bits: ~awakened)
                    visited.update(
                        childFingerprint, sleep: stored.sleep & childSleep.bits, depth: max(stored.depth, depth))
                }
                stats.revisits += 1
            } else {
                onState?(childFingerprint)
                stats.states += 1
                if let maxStates, stats.states >= maxStates {
                    stats.isIncomplete = true
                    break search
                }
                if let maxMemory, visited.bytes + terminal.count * 16 > maxMemory {
                    stats.isIncomplete = true
                    stats.hitMemoryBound = true
                    break search
                }
                if stats.states % 4096 == 0 {
                    if let shouldStop, shouldStop() {
                        stats.isIncomplete = true
                        stats.wasInterrupted = true
                        break search
                    }
                    if let progress {
                        stats.seconds = seconds(since: start, clock)
                        stats.depth = stack.count
                        stats.bytes = visited.bytes + terminal.count * 16
                        progress(stats)
                    }
                }
            }
            if stack.count >= bounds.maxDepth {
                stats.depthBoundHits += 1
                continue
            }
            stack.append(
                expand(
                    child, fingerprint: childFingerprint, preemptions: preemptions, sleep: childSleep, skip: skip,
                    via: action, carried: carried, stats: &stats))
            stats.maxDepth = max(stats.maxDepth, stack.count - 1)
        }
        stats.seconds = seconds(since: start, clock)
        return ExhaustiveResult(
            stats: stats, bounds: bounds, usesReduction: usesReduction, violation: violation,
            schedule: violationPath, terminalStates: terminal, bytesPerState: visited.bytesPerState)
    }

    /// The frame of a newly reached state: its enabled actions (within the preemption bound),
    /// with the footprints of the sleeping ones; the others' are recorded as they are taken.
    /// - Parameter carried: the footprints of the actions in `sleep`, from the parent's frame.
    func expand(
        _ world: World<S>, fingerprint: UInt64, preemptions: Int, sleep: ActionSet, skip: ActionSet, via: Action?,
        carried: SleeperFootprints = SleeperFootprints(), stats: inout ExplorationStats
    ) -> Frame {
        var actions: [Action] = []
        actions.reserveCapacity(3 * scenario.cpuCount)
        world.enabledActions(into: &actions)
        if preemptions >= bounds.maxPreemptions { actions.removeAll { $0.isPreemption } }
        if actions.isEmpty, !world.isFinished, world.violation == nil {
            var stuck = world
            if stuck.checkDeadlock() { stats.deadlocks += 1 }
        }
        return Frame(
            fingerprint: fingerprint, preemptions: preemptions, world: world, actions: actions,
            footprints: actions.map { sleep.contains($0) ? carried[$0] : nil }, sleep: sleep, skip: skip, via: via)
    }

    func fingerprint(_ world: World<S>, preemptions: Int) -> UInt64 {
        var h = StableHasher()
        world.fingerprint(into: &h)
        h.combine(preemptions)
        return h.value
    }

    func seconds(since start: ContinuousClock.Instant, _ clock: ContinuousClock) -> Double {
        let d = clock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

extension Action {
    var isPreemption: Bool {
        if case .preempt = self { return true }
        return false
    }
}
