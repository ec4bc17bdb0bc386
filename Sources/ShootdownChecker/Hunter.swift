import Dispatch
import ShootdownModel
import Synchronization

/// Hunts a scheme's bugs in scenarios nobody wrote: checks generated scenarios one after the
/// other (exhaustively within a state budget, then with PCT runs where the budget ran out) until
/// one violates, then shrinks that scenario and its schedule.
///
/// Scenario `i` of a hunt is ``ScenarioGenerator/scenario(seed:)`` of `seed + i`; with a shard
/// `K/N`, the hunt takes the scenarios whose index is `K - 1` modulo `N`, so that N hunts with
/// the same seed cover each scenario once. The scenarios checked and the verdict depend only on
/// the configuration and, through the time budget, on how many scenarios were reached.
public struct Hunter<S: Scheme>: Sendable {
    public var scheme: S
    public var generator: ScenarioGenerator
    public var seed: UInt64
    public var budget: HuntBudget
    public var bounds: CheckBounds
    /// This hunt's shard, `index` in `1...count`.
    public var shard: (index: Int, count: Int)
    /// Scenarios checked at once.
    public var jobs: Int
    /// The scope enumerated before the samples, if any.
    public var smallScope: SmallScope?
    /// The reductions of each scenario's exhaustive search (``ExhaustiveChecker/fusesMovers``,
    /// ``ExhaustiveChecker/omitsDeadEntries``): the same verdicts, and more scenarios searched
    /// whole within the state budget.
    public var fusesMovers = false
    public var omitsDeadEntries = false

    public init(
        scheme: S, generator: ScenarioGenerator = ScenarioGenerator(), seed: UInt64 = 0,
        budget: HuntBudget = HuntBudget(),
        bounds: CheckBounds = .standard, shard: (index: Int, count: Int) = (1, 1), jobs: Int = 1,
        smallScope: SmallScope? = nil
    ) {
        precondition(shard.count >= 1 && (1...shard.count).contains(shard.index), "shard K/N with 1 <= K <= N")
        self.scheme = scheme
        self.generator = generator
        self.seed = seed
        self.budget = budget
        self.bounds = bounds
        self.shard = shard
        self.jobs = max(1, jobs)
        self.smallScope = smallScope
    }

    /// The hunt's `n`-th scenario of this shard: its index in the whole hunt, and the scenario.
    /// With ``smallScope``, the hunt's first scenarios are the small scope's, every one in its
    /// canonical order; the samples from the seed come after them.
    public func scenario(_ n: Int) -> (index: Int, scenario: Scenario) {
        let index = n * shard.count + shard.index - 1
        if let smallScope, index < smallScope.count { return (index, smallScope.scenario(index)) }
        return (index, generator.scenario(seed: seed &+ UInt64(index - (smallScope?.count ?? 0))))
    }

    /// Checks one scenario: exhaustively within the state budget, then PCT runs if the search
    /// was cut short and found nothing.
    @_specialize(exported:true,where S == LinuxScheme)
    @_specialize(exported:true,where S == RingScheme)
    @_specialize(exported:true,where S == OracleScheme)
    @_specialize(exported:true,where S == Linux66yScheme)
    @_specialize(exported:true,where S == Linux614Scheme)
    @_specialize(exported:true,where S == Linux615Scheme)
    public func check(_ scenario: Scenario, index: Int) -> HuntFinding {
        var exhaustive = ExhaustiveChecker(scenario: scenario, scheme: scheme, bounds: bounds)
        exhaustive.maxStates = budget.states
        exhaustive.fusesMovers = fusesMovers
        exhaustive.omitsDeadEntries = omitsDeadEntries
        let result = exhaustive.run()
        var finding = HuntFinding(
            index: index, scenario: scenario, scheme: scheme.name, violation: result.violation,
            schedule: result.schedule, states: result.stats.states,
            isComplete: !result.stats.isIncomplete && result.stats.depthBoundHits == 0)
        if finding.violation == nil, !finding.isComplete, budget.randomRuns > 0 {
            let random = RandomChecker(
                scenario: scenario, scheme: scheme, runs: budget.randomRuns, seed: UInt64(index)
            ).run()
            finding.violation = random.violation
            finding.schedule = random.schedule
        }
        return finding
    }

    /// Checks scenarios until one violates, `shouldStop` says so (asked before each scenario),
    /// or `maxScenarios` of this shard were checked. `jobs` workers take the next scenario as
    /// they finish one; once a scenario violates, no later one is started and the earlier ones
    /// still running finish, so the violation reported is the first in order whatever `jobs` is.
    /// With `collectingAll`, the hunt goes on past bugs until `shouldStop` or `maxScenarios`.
    /// - Parameters:
    ///   - progress: called after each scenario with the number checked and the states.
    ///   - check: how a scenario is checked (default ``check(_:index:)``; the differential hunt
    ///     checks it under two schemes).
    /// - Returns: every finding in order; the last one is a bug (``HuntFinding/isBug``) when the
    ///   hunt found one (with `collectingAll`, every bug is among them).
    public func run(
        maxScenarios: Int? = nil, collectingAll: Bool = false, shouldStop: @escaping @Sendable () -> Bool = { false },
        progress: @escaping @Sendable (_ scenarios: Int, _ states: Int) -> Void = { _, _ in },
        check: (@Sendable (Scenario, Int) -> HuntFinding)? = nil
    ) -> [HuntFinding] {
        let check = check ?? { self.check($0, index: $1) }
        let shared = Mutex(HuntProgress())
        DispatchQueue.concurrentPerform(iterations: jobs) { _ in
            while !shouldStop() {
                let n: Int? = shared.withLock { s in
                    guard s.next < s.firstViolation, maxScenarios.map({ s.next < $0 }) ?? true else { return nil }
                    defer { s.next += 1 }
                    return s.next
                }
                guard let n else { return }
                let (index, scenario) = scenario(n)
                let finding = check(scenario, index)
                let (count, states) = shared.withLock { s in
                    s.findings[n] = finding
                    s.states += finding.states
                    if finding.isBug && !collectingAll { s.firstViolation = min(s.firstViolation, n) }
                    return (s.findings.count, s.states)
                }
                progress(count, states)
            }
        }
        let done = shared.withLock { $0 }
        let checked = done.findings.keys.sorted().filter { $0 <= done.firstViolation }
        return checked.map { done.findings[$0]! }
    }
}

/// What the workers of ``Hunter/run(maxScenarios:shouldStop:progress:check:)`` share.
struct HuntProgress: Sendable {
    /// The next scenario (of this shard) to check.
    var next = 0
    /// The first scenario found violating, or `Int.max`.
    var firstViolation = Int.max
    var findings: [Int: HuntFinding] = [:]
    var states = 0
}

/// A differential hunt: scenarios on which two schemes disagree, one violating where the other
/// passes, or (on the round-robin schedule) one flushing fully where the other never does. Use
/// it to confirm a new scheme changes only what it meant to change.
public struct DifferentialHunter<A: Scheme, B: Scheme>: Sendable {
    public var first: Hunter<A>
    public var second: Hunter<B>

    /// Hunts `a` against `b` with the settings of `first` (its generator, seed, budget, shard).
    public init(_ first: Hunter<A>, against b: B) {
        self.first = first
        self.second = Hunter<B>(
            scheme: b, generator: first.generator, seed: first.seed, budget: first.budget, bounds: first.bounds,
            shard: first.shard, jobs: first.jobs, smallScope: first.smallScope)
    }

    /// Checks `scenario` under both schemes; the finding is a bug when they disagree. Inlinable,
    /// so that the command's code, specialized for both scheme types, reaches each scheme's
    /// specialized ``Hunter/check(_:index:)`` (called from generic code, a hunt under the newer
    /// kernels' schemes ran at a third of the speed).
    @inlinable
    public func check(_ scenario: Scenario, index: Int) -> HuntFinding {
        let a = first.check(scenario, index: index)
        let b = second.check(scenario, index: index)
        let states = a.states + b.states
        let complete = a.isComplete && b.isComplete
        if (a.violation == nil) != (b.violation == nil) {
            var finding = a.violation != nil ? a : b
            finding.disagreement = .verdict(passes: a.violation != nil ? b.scheme : a.scheme)
            finding.states = states
            finding.isComplete = complete
            return finding
        }
        var finding = HuntFinding(
            index: index, scenario: scenario, scheme: a.scheme, violation: nil, schedule: nil, states: states,
            isComplete: complete)
        let fullA = Runner(scenario: scenario, scheme: first.scheme).run(.roundRobin).counters.fullFlushes
        let fullB = Runner(scenario: scenario, scheme: second.scheme).run(.roundRobin).counters.fullFlushes
        if (fullA > 0) != (fullB > 0) {
            finding.disagreement =
                fullA > 0
                ? .fullFlushes(flushes: a.scheme, other: b.scheme) : .fullFlushes(flushes: b.scheme, other: a.scheme)
        }
        return finding
    }
}

/// How one generated scenario is checked.
public struct HuntBudget: Hashable, Sendable {
    /// States of the exhaustive search before it gives up on the scenario.
    public var states: Int
    /// PCT runs when the exhaustive search gave up.
    public var randomRuns: Int

    /// A budget of `states` exhaustive states, then `randomRuns` PCT runs.
    public init(states: Int = 200_000, randomRuns: Int = 300) {
        self.states = states
        self.randomRuns = randomRuns
    }
}
