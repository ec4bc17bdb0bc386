/// How a run picks the next action among the enabled ones.
public enum SchedulePolicy {
    /// A seeded random choice at every step; preemptions are drawn rarely.
    case random(seed: UInt64)
    /// One canonical schedule: CPUs take turns, each running its first enabled action
    /// (a pending interrupt before its own step).
    case roundRobin
    /// Exactly these actions, in order (a replay).
    case scripted([Action])
    /// These actions in order, each skipped that is not enabled at its turn, until they run
    /// out (a shrinking candidate: see `Shrinker`).
    case lenient([Action])
    /// A caller's scheduler: given the enabled actions and the step number (0-based).
    case custom((_ enabled: [Action], _ step: Int) -> Action)
}

/// How a run ended.
public enum RunOutcome: String, Hashable, Sendable {
    /// Every thread finished.
    case completed
    /// A violation stopped the run.
    case violation
    /// Threads wait for events no thread will signal.
    case stuck
    /// The step limit was reached (a spin that never ends).
    case stepLimit = "step-limit"
    /// A scripted schedule named an action that is not enabled, or ran out before the end.
    case scheduleDiverged = "schedule-diverged"
}

/// The result of one run: counters, the schedule taken, and the violation if any.
public struct RunResult<S: Scheme>: Sendable {
    /// The world after the last action (its ``World/footprint`` holds only the last action's
    /// wake-up writes in a release build: ``World/footprintScope``).
    public var world: World<S>
    public var outcome: RunOutcome
    /// The actions performed, in order.
    public var schedule: [Action]

    public var counters: Counters { world.counters }
    public var violation: Violation? { world.violation }
}

/// Runs a scenario to its end under a schedule policy.
public struct Runner<S: Scheme>: Sendable {
    public var scenario: Scenario
    public var scheme: S
    /// Actions after which the run gives up (a spin that can never end).
    public var maxSteps: Int
    /// Whether to record a timeline.
    public var tracing: Bool

    public init(scenario: Scenario, scheme: S, maxSteps: Int = 100_000, tracing: Bool = false) {
        self.scenario = scenario
        self.scheme = scheme
        self.maxSteps = maxSteps
        self.tracing = tracing
    }

    /// Runs until every thread finished, a violation, or no action is enabled.
    /// - Complexity: O(steps x CPUs).
    public func run(_ policy: SchedulePolicy) -> RunResult<S> {
        // Nothing here reads the footprint: recording only the wake-up writes, as the simulator
        // does, saves 7% of a PCT run. Debug builds record every access, so that the model's
        // invariant checks (World+Invariants.swift), which skip the simulator's worlds, run on
        // the runner's.
        #if SHOOTDOWN_INTERNAL_CHECKS
            let footprint = Footprint.Scope.all
        #else
            let footprint = Footprint.Scope.wakeUps
        #endif
        var world = World(scenario: scenario, scheme: scheme, tracing: tracing, footprint: footprint)
        var schedule: [Action] = []
        var enabled: [Action] = []
        var generator: SeededGenerator?
        if case .random(let seed) = policy { generator = SeededGenerator(seed: seed) }
        var outcome = RunOutcome.completed
        var turn = 0
        var cursor = 0
        while true {
            if world.hasViolation {
                outcome = .violation
                break
            }
            enabled.removeAll(keepingCapacity: true)
            world.enabledActions(into: &enabled)
            if enabled.isEmpty {
                if world.checkDeadlock() { outcome = .violation } else if !world.isFinished { outcome = .stuck }
                break
            }
            if schedule.count >= maxSteps {
                outcome = .stepLimit
                break
            }
            guard
                let action = choose(
                    policy, from: enabled, step: schedule.count, turn: turn, cursor: &cursor, generator: &generator)
            else {
                outcome = .scheduleDiverged
                break
            }
            turn = (action.cpu + 1) % scenario.cpuCount
            world.performEnabled(action)
            schedule.append(action)
        }
        return RunResult(world: world, outcome: outcome, schedule: schedule)
    }

    /// The policy's next action, or `nil` when a scripted schedule names one that is not enabled
    /// or runs out.
    /// - Parameter cursor: the next action of a lenient schedule to try.
    func choose(
        _ policy: SchedulePolicy, from enabled: [Action], step: Int, turn: Int, cursor: inout Int,
        generator: inout SeededGenerator?
    ) -> Action? {
        switch policy {
        case .roundRobin:
            return enabled.first { $0.cpu >= turn } ?? enabled[0]
        case .random:
            return Self.draw(from: enabled, using: &generator!)
        case .scripted(let actions):
            guard step < actions.count, enabled.contains(actions[step]) else { return nil }
            return actions[step]
        case .lenient(let actions):
            while cursor < actions.count {
                cursor += 1
                if enabled.contains(actions[cursor - 1]) { return actions[cursor - 1] }
            }
            return nil
        case .custom(let choose):
            return choose(enabled, step)
        }
    }

    /// Picks an action: steps and interrupts weigh 8, preemptions 1.
    static func draw(from enabled: [Action], using generator: inout SeededGenerator) -> Action {
        var total = 0
        for action in enabled { total += weight(action) }
        var pick = generator.next(below: total)
        for action in enabled {
            pick -= weight(action)
            if pick < 0 { return action }
        }
        return enabled[enabled.count - 1]
    }

    static func weight(_ action: Action) -> Int {
        if case .preempt = action { return 1 }
        return 8
    }
}
