import Benchmark
import Dispatch
import FlushRing
import Synchronization

// Publish and catch-up throughput of three ways to keep per-thread caches coherent with a
// shared table, with 1, 2 and 4 threads. Every thread looks keys up through its own cache,
// changes one key every `writeEvery` lookups, and reaches a safe point every `catchUpEvery`:
// - ring:      SoftTLB over a FlushRing (drop the ranges missed, or all on wrap/ceiling)
// - mutex-log: a Mutex-protected log of every range; catch-up copies the ranges since the cursor
// - flush-all: one generation counter; any change makes every cache drop everything
// Custom metrics: hit rate (per mille) and full drops per 1000 catch-ups.

let keys: UInt64 = 4096
let operationsPerIteration = 200_000
let writeEvery = 64
let catchUpEvery = 16

/// One thread's cache for the two baselines.
struct Cache {
    var entries: [UInt64: UInt64] = [:]
    var hits = 0
    var misses = 0
    var fullDrops = 0
    var catchUps = 0

    mutating func lookup(_ key: UInt64, in table: AtomicTable) -> UInt64 {
        if let value = entries[key] {
            hits += 1
            return value
        }
        misses += 1
        let value = table.value(at: key)
        entries[key] = value
        return value
    }

    mutating func drop(_ ranges: ArraySlice<Range<UInt64>>, ceiling: Int) {
        catchUps += 1
        if ranges.count > ceiling {
            fullDrops += 1
            entries.removeAll(keepingCapacity: true)
        } else {
            for range in ranges { for key in range { entries[key] = nil } }
        }
    }
}

/// Totals over the threads of one iteration.
final class Totals: @unchecked Sendable {
    let hits = Atomic<Int>(0)
    let lookups = Atomic<Int>(0)
    let fullDrops = Atomic<Int>(0)
    let catchUps = Atomic<Int>(0)

    func add(hits: Int, lookups: Int, fullDrops: Int, catchUps: Int) {
        self.hits.wrappingAdd(hits, ordering: .relaxed)
        self.lookups.wrappingAdd(lookups, ordering: .relaxed)
        self.fullDrops.wrappingAdd(fullDrops, ordering: .relaxed)
        self.catchUps.wrappingAdd(catchUps, ordering: .relaxed)
    }

    func report(to benchmark: Benchmark) {
        let lookups = max(1, self.lookups.load(ordering: .relaxed))
        let catchUps = max(1, self.catchUps.load(ordering: .relaxed))
        benchmark.measurement(hitRate, hits.load(ordering: .relaxed) * 1000 / lookups)
        benchmark.measurement(fullDropRate, fullDrops.load(ordering: .relaxed) * 1000 / catchUps)
    }
}

let hitRate = BenchmarkMetric.custom("hit rate (permille)", polarity: .prefersLarger, useScalingFactor: false)
let fullDropRate = BenchmarkMetric.custom("full drops per 1000 catch-ups", useScalingFactor: false)

/// The key thread `t` touches at step `i`: a hot set of 256 keys per thread, mostly.
@inline(__always) func key(_ t: Int, _ i: Int) -> UInt64 {
    UInt64((t &* 256 &+ (i &* 7919) % 256) % Int(keys))
}

func runRing(threads: Int, totals: Totals) {
    let table = AtomicTable(count: Int(keys))
    let ring = FlushRing(capacity: 64)
    DispatchQueue.concurrentPerform(iterations: threads) { t in
        var tlb = SoftTLB(table: table, ring: ring, ceiling: 33)
        let ops = operationsPerIteration / threads
        for i in 0..<ops {
            if i % writeEvery == 0 { table.update(key(t, i / 3), ring: ring) }
            if i % catchUpEvery == 0 { tlb.catchUp() }
            blackHole(tlb.lookup(key(t, i)))
        }
        totals.add(
            hits: tlb.hits, lookups: tlb.hits + tlb.misses, fullDrops: tlb.fullFlushes,
            catchUps: tlb.fullFlushes + tlb.rangedFlushes)
    }
}

func runMutexLog(threads: Int, totals: Totals) {
    let table = AtomicTable(count: Int(keys))
    let log = Mutex<[Range<UInt64>]>([])
    DispatchQueue.concurrentPerform(iterations: threads) { t in
        var cache = Cache()
        var cursor = 0
        let ops = operationsPerIteration / threads
        for i in 0..<ops {
            if i % writeEvery == 0 {
                let k = key(t, i / 3)
                table.update(k, ring: FlushRing.unused)
                log.withLock { $0.append(k..<k + 1) }
            }
            if i % catchUpEvery == 0 {
                let missed = log.withLock { log -> ArraySlice<Range<UInt64>> in
                    defer { cursor = log.count }
                    return log[cursor...]
                }
                if !missed.isEmpty { cache.drop(missed, ceiling: 33) }
            }
            blackHole(cache.lookup(key(t, i), in: table))
        }
        totals.add(
            hits: cache.hits, lookups: cache.hits + cache.misses, fullDrops: cache.fullDrops, catchUps: cache.catchUps)
    }
}

func runFlushAll(threads: Int, totals: Totals) {
    let table = AtomicTable(count: Int(keys))
    let generation = Atomic<UInt64>(0)
    DispatchQueue.concurrentPerform(iterations: threads) { t in
        var cache = Cache()
        var seen: UInt64 = 0
        let ops = operationsPerIteration / threads
        for i in 0..<ops {
            if i % writeEvery == 0 {
                table.update(key(t, i / 3), ring: FlushRing.unused)
                generation.wrappingAdd(1, ordering: .releasing)
            }
            if i % catchUpEvery == 0 {
                let now = generation.load(ordering: .acquiring)
                if now != seen {
                    seen = now
                    cache.drop([0..<1], ceiling: 0)  // any change: drop everything
                }
            }
            blackHole(cache.lookup(key(t, i), in: table))
        }
        totals.add(
            hits: cache.hits, lookups: cache.hits + cache.misses, fullDrops: cache.fullDrops, catchUps: cache.catchUps)
    }
}

extension FlushRing {
    /// A ring nobody reads, for baselines that call `AtomicTable.update` for its table change only.
    nonisolated(unsafe) static let unused = FlushRing(capacity: 1)
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, hitRate, fullDropRate],
        timeUnits: .milliseconds,
        maxDuration: .seconds(2),
        maxIterations: 20
    )
    let strategies: [(String, (Int, Totals) -> Void)] = [
        ("ring", runRing), ("mutex-log", runMutexLog), ("flush-all", runFlushAll),
    ]
    for (name, run) in strategies {
        for threads in [1, 2, 4] {
            Benchmark("\(name) \(threads) thread\(threads == 1 ? "" : "s") (\(operationsPerIteration) ops)") {
                benchmark in
                let totals = Totals()
                for _ in benchmark.scaledIterations { run(threads, totals) }
                totals.report(to: benchmark)
            }
        }
    }
}
