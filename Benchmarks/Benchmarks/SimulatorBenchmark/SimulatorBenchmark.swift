import Benchmark
import ShootdownModel
import ShootdownSimulator

// Timed simulation throughput: simulated events (scheduler actions) per second of one core,
// on standard workloads under Linux's scheme and the ring, with the default cost model.
// The event count itself is reported too: it must not change between runs.

let eventsPerSecond = BenchmarkMetric.custom("events/s", polarity: .prefersLarger, useScalingFactor: false)
let events = BenchmarkMetric.custom("events", useScalingFactor: false)

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident, eventsPerSecond, events],
        timeUnits: .milliseconds,
        maxDuration: .seconds(10),
        maxIterations: 10
    )
    // What `compare` does before it simulates: generate the workload's scenario and parse it
    // (once 73% of `compare --workload tlb-flush2 --cpus 64 --schemes linux --iterations 40`).
    let parsing = Benchmark.Configuration(metrics: [.wallClock, .mallocCountTotal])
    Benchmark("generate and parse tlb-flush2 on 64 CPUs", configuration: parsing) { benchmark in
        let workload = Workload(.tlbFlush2, cpus: 64, iterations: 40)
        for _ in benchmark.scaledIterations { blackHole(try! workload.scenario()) }
    }
    for (kind, cpus) in [(Workload.Kind.tlbFlush2, 64), (.mixed, 16), (.tlbFlush2, 256)] {
        let scenario = try! Workload(kind, cpus: cpus).scenario()
        Benchmark("simulate \(kind.rawValue) on \(cpus) CPUs (linux)") { benchmark in
            simulate(benchmark, Simulator(scenario: scenario, scheme: LinuxScheme()))
        }
        Benchmark("simulate \(kind.rawValue) on \(cpus) CPUs (ring-list)") { benchmark in
            simulate(benchmark, Simulator(scenario: scenario, scheme: RingScheme()))
        }
    }
}

func simulate<S: Scheme>(_ benchmark: Benchmark, _ simulator: Simulator<S>) {
    let clock = ContinuousClock()
    var simulated = 0
    var elapsed = Duration.zero
    for _ in benchmark.scaledIterations {
        let start = clock.now
        simulated = simulator.run().events
        elapsed += clock.now - start
    }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let runs = benchmark.scaledIterations.count
    benchmark.measurement(eventsPerSecond, Int(Double(simulated * runs) / max(seconds, 1e-9)))
    benchmark.measurement(events, simulated)
}
