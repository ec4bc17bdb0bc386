import Dispatch
import Foundation
import ShootdownModel
import Synchronization

/// Randomized exploration: many seeded runs, each scheduled by PCT (Burckhardt, Kothari,
/// Musuvathi, Nagarakatte, ASPLOS 2010) or by uniform random choices.
///
/// PCT here schedules 2n "threads" for n CPUs: each CPU's own steps and its interrupt handler,
/// with distinct random priorities d..d+2n-1; at each step the highest-priority thread with an
/// enabled action runs; at d-1 random change points in 1...k the running thread's priority
/// drops to 1...d-1. A bug of depth d is found by one run with probability at least
/// 1/(2n k^(d-1)). Run i uses seed `seed + i`, so `--seed S+i --runs 1` replays run i alone.
public struct RandomChecker<S: Scheme>: Sendable {
    /// How each run chooses.
    public typealias Strategy = RandomStrategy

    public var scenario: Scenario
    public var scheme: S
    public var strategy: Strategy
    /// PCT's bug depth d.
    public var depth: Int
    public var runs: Int
    public var seed: UInt64
    /// Parallel workers; the result does not depend on it.
    public var jobs: Int
    /// Steps after which a run gives up.
    public var maxSteps: Int
    /// This search's share of the runs, for a search split over machines: shard `index` of
    /// `count` executes the runs whose index modulo `count` is `index - 1`.
    public var shard = (index: 1, count: 1)

    public init(
        scenario: Scenario, scheme: S, strategy: Strategy = .pct, depth: Int = 3, runs: Int = 1000,
        seed: UInt64 = 0, jobs: Int = 1, maxSteps: Int = 20_000
    ) {
        self.scenario = scenario
        self.scheme = scheme
        self.strategy = strategy
        self.depth = max(1, depth)
        self.runs = runs
        self.seed = seed
        self.jobs = max(1, jobs)
        self.maxSteps = maxSteps
    }

    /// n for PCT: a main thread and an interrupt thread per CPU.
    public var threads: Int { 2 * scenario.cpuCount }

    /// k for PCT: the longest of a few uniform runs, which bounds the change points.
    public var estimatedSteps: Int {
        let runner = Runner(scenario: scenario, scheme: scheme, maxSteps: maxSteps)
        return max(1, (0..<4).map { runner.run(.random(seed: $0)).schedule.count }.max()!)
    }

    /// PCT's per-run lower bound on the probability of finding a bug of depth d.
    public func perRunBound(steps k: Int) -> Double {
        1 / (Double(threads) * pow(Double(k), Double(depth - 1)))
    }

    /// Runs needed for 95% confidence of finding a bug of depth d at that per-run bound.
    public func runsFor95(steps k: Int) -> Int {
        let p = perRunBound(steps: k)
        return p >= 1 ? 1 : Int((log(0.05) / log1p(-p)).rounded(.up))
    }

    /// Executes the runs (of its ``shard``); the lowest failing run index wins, whatever `jobs` is.
    public func run(progress: (@Sendable (Int) -> Void)? = nil) -> RandomResult {
        let k = estimatedSteps
        let lowestFailure = Atomic<Int>(Int.max)
        let done = Atomic<Int>(0)
        let jobs = self.jobs
        let shard = self.shard
        DispatchQueue.concurrentPerform(iterations: jobs) { job in
            var index = shard.index - 1 + job * shard.count
            while index < runs, index < lowestFailure.load(ordering: .relaxed) {
                if runOnce(index: index, steps: k).violation != nil {
                    var current = lowestFailure.load(ordering: .relaxed)
                    while index < current {
                        let (exchanged, now) = lowestFailure.compareExchange(
                            expected: current, desired: index, ordering: .relaxed)
                        if exchanged { break }
                        current = now
                    }
                    break
                }
                let finished = done.wrappingAdd(1, ordering: .relaxed).newValue
                progress?(finished)
                index += jobs * shard.count
            }
        }
        let failing = lowestFailure.load(ordering: .relaxed)
        let result = failing == .max ? nil : runOnce(index: failing, steps: k)
        return RandomResult(
            strategy: strategy.rawValue, runs: failing == .max ? runs : failing + 1, threads: threads, steps: k,
            depth: depth, perRunBound: perRunBound(steps: k), runsFor95: runsFor95(steps: k),
            failingRun: failing == .max ? nil : failing, failingSeed: failing == .max ? nil : seed &+ UInt64(failing),
            violation: result?.violation, schedule: result?.schedule)
    }

    /// Run `index`, with seed `seed + index`.
    public func runOnce(index: Int, steps k: Int) -> RunResult<S> {
        let runSeed = seed &+ UInt64(index)
        let runner = Runner(scenario: scenario, scheme: scheme, maxSteps: maxSteps)
        switch strategy {
        case .uniform:
            return runner.run(.random(seed: runSeed))
        case .pct:
            var generator = SeededGenerator(seed: runSeed)
            var scheduler = PCTScheduler(threads: threads, depth: depth, steps: k, generator: &generator)
            return runner.run(.custom { enabled, step in scheduler.choose(from: enabled, step: step) })
        }
    }
}

/// The outcome of a randomized exploration.
public struct RandomResult: Sendable {
    public var strategy: String
    /// Runs executed (up to and including the failing one).
    public var runs: Int
    /// PCT's n, k and d.
    public var threads: Int
    public var steps: Int
    public var depth: Int
    public var perRunBound: Double
    public var runsFor95: Int
    /// The lowest failing run and its seed (replay with that seed and one run).
    public var failingRun: Int?
    public var failingSeed: UInt64?
    public var violation: Violation?
    public var schedule: [Action]?
}

/// How each run of ``RandomChecker`` chooses: PCT's priorities, or every choice uniformly.
public enum RandomStrategy: String, Sendable, CaseIterable {
    case pct, uniform
}
