import Benchmark
import ShootdownChecker
import ShootdownModel

// Exhaustive exploration of fixed built-in scenarios under Linux's scheme, at the standard
// bounds (depth 2000, one preemption, sleep sets on). Custom metrics: states explored per
// second of the exploration (one core), bytes per stored state of the visited table, and the
// state count itself (it must not change between runs: a change means the model changed).

let statesPerSecond = BenchmarkMetric.custom("states/s", polarity: .prefersLarger, useScalingFactor: false)
let bytesPerState = BenchmarkMetric.custom("bytes/state (x100)", useScalingFactor: false)
let statesExplored = BenchmarkMetric.custom("states", useScalingFactor: false)

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, statesPerSecond, bytesPerState, statesExplored],
        timeUnits: .milliseconds,
        maxDuration: .seconds(10),
        maxIterations: 10
    )
    for name in ["nested-madvise", "concurrent-flushes", "numa-migrate"] {
        let scenario = BuiltinScenarios.named(name)!
        Benchmark("exhaustive \(name) (linux)") { benchmark in
            var result: ExhaustiveResult?
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                result = ExhaustiveChecker(scenario: scenario, scheme: LinuxScheme()).run()
            }
            benchmark.stopMeasurement()
            guard let result else { return }
            benchmark.measurement(statesPerSecond, Int(result.stats.statesPerSecond))
            benchmark.measurement(bytesPerState, Int(result.bytesPerState * 100))
            benchmark.measurement(statesExplored, result.stats.states)
        }
    }
}
