import Benchmark
import ShootdownChecker
import ShootdownModel

// Exhaustive exploration of fixed built-in scenarios under Linux's scheme (and, on one scenario,
// under the newer kernels' schemes), at the standard bounds (depth 2000, one preemption, sleep
// sets on). Custom metrics: states explored per second of the exploration (one core), bytes per
// stored state of the visited table, and the state count itself (it must not change between
// runs: a change means the model changed).

let statesPerSecond = BenchmarkMetric.custom("states/s", polarity: .prefersLarger, useScalingFactor: false)
let bytesPerState = BenchmarkMetric.custom("bytes/state (x100)", useScalingFactor: false)
let statesExplored = BenchmarkMetric.custom("states", useScalingFactor: false)

/// `scale-4cpu` (``BenchmarkScenarios/scale4CPU``): its full exploration does not finish in
/// minutes yet, so the benchmark explores its first `scaleStates` states: a measure of
/// throughput, alone and with two workers, with and without sleep sets, and with movers fused
/// and dead TLB entries left out.
let scaleStates = 2_000_000

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, statesPerSecond, bytesPerState, statesExplored],
        timeUnits: .milliseconds,
        maxDuration: .seconds(10),
        maxIterations: 10
    )
    let scale = try! ScenarioFormat.parse(BenchmarkScenarios.scale4CPU, source: "scale-4cpu")
    // The last two: movers and dead TLB entries, what `check` runs by default.
    for (jobs, reduction, movers) in [
        (1, true, false), (2, true, false), (1, false, false), (1, true, true), (2, true, true),
    ] {
        let label =
            "exhaustive scale-4cpu (linux, first 2M states, \(jobs) job\(jobs == 1 ? "" : "s"), sleep sets \(reduction ? "on" : "off")\(movers ? ", movers, dead entries" : ""))"
        Benchmark(label, configuration: .init(maxIterations: 3)) { benchmark in
            var checker = ExhaustiveChecker(scenario: scale, scheme: LinuxScheme(), usesReduction: reduction)
            checker.jobs = jobs
            checker.fusesMovers = movers
            checker.omitsDeadEntries = movers
            checker.maxStates = scaleStates
            measure(checker, in: benchmark, bytesPerState: false)
        }
    }
    // Source sets (`check --source-sets`): fewer states, more work and memory per state.
    // Movers (`check --movers`): fewer states, the same work per state.
    for name in ["nested-madvise", "concurrent-flushes", "numa-migrate"] {
        for (sourceSets, movers) in [(false, false), (true, false), (false, true)] {
            let scenario = BuiltinScenarios.named(name)!
            let variant = sourceSets ? ", source sets" : movers ? ", movers" : ""
            Benchmark("exhaustive \(name) (linux\(variant))") { benchmark in
                var checker = ExhaustiveChecker(scenario: scenario, scheme: LinuxScheme())
                checker.usesSourceSets = sourceSets
                checker.fusesMovers = movers
                measure(checker, in: benchmark, bytesPerState: true)
            }
        }
    }
    // Linux and the newer kernels' schemes as `check` runs them (movers, dead entries): their
    // engines are specialized like Linux's (`@_specialize`), so their states/s should stay near
    // Linux's.
    let nested = BuiltinScenarios.named("nested-madvise")!
    func withDefaultReductions<S: Scheme>(_ scheme: S) {
        Benchmark("exhaustive nested-madvise (\(scheme.name), movers, dead entries)") { benchmark in
            var checker = ExhaustiveChecker(scenario: nested, scheme: scheme)
            checker.fusesMovers = true
            checker.omitsDeadEntries = true
            measure(checker, in: benchmark, bytesPerState: true)
        }
    }
    withDefaultReductions(LinuxScheme())
    withDefaultReductions(Linux66yScheme())
    withDefaultReductions(Linux614Scheme())
    withDefaultReductions(Linux615Scheme())
}

/// Runs `checker` for every iteration of `benchmark`, measured, and records the last run's
/// states/s, states and (`bytesPerState`) bytes a stored state.
func measure<S: Scheme>(_ checker: ExhaustiveChecker<S>, in benchmark: Benchmark, bytesPerState recordsBytes: Bool) {
    var result: ExhaustiveResult?
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations { result = checker.run() }
    benchmark.stopMeasurement()
    guard let result else { return }
    benchmark.measurement(statesPerSecond, Int(result.stats.statesPerSecond))
    if recordsBytes { benchmark.measurement(bytesPerState, Int(result.bytesPerState * 100)) }
    benchmark.measurement(statesExplored, result.stats.states)
}
