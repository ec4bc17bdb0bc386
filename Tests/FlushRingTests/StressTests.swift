import FlushRing
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs `bodies` on their own POSIX threads and joins them all (TSan-friendly: no polling).
func runThreads(_ bodies: [@Sendable () -> Void]) {
    final class Box: @unchecked Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    #if canImport(Glibc)
        var threads: [pthread_t] = []
    #else
        var threads: [pthread_t?] = []
    #endif
    for body in bodies {
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        #if canImport(Glibc)
            var thread = pthread_t()
        #else
            var thread: pthread_t?
        #endif
        let status = pthread_create(
            &thread, nil,
            { raw in
                let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
                box.body()
                return nil
            }, box)
        precondition(status == 0, "pthread_create failed")
        threads.append(thread)
    }
    for thread in threads {
        #if canImport(Glibc)
            pthread_join(thread, nil)
        #else
            pthread_join(thread!, nil)
        #endif
    }
}

/// Writers change a shared table and publish; readers use `SoftTLB` and check, at every lookup,
/// that they never get a value whose replacement was published before their last catch-up began.
@Suite struct StressTests {
    /// Per key, the newest value whose replacement is complete (published and returned): values
    /// below it are invalid from then on.
    final class Floors: @unchecked Sendable {
        let count: Int
        let values: UnsafeMutablePointer<Atomic<UInt64>>
        init(count: Int) {
            self.count = count
            values = .allocate(capacity: count)
            for i in 0..<count { (values + i).initialize(to: Atomic(0)) }
        }
        deinit {
            values.deinitialize(count: count)
            values.deallocate()
        }
        func raise(_ key: Int, to value: UInt64) {
            var current = values[key].load(ordering: .relaxed)
            while current < value {
                let (done, now) = values[key].compareExchange(
                    expected: current, desired: value, ordering: .relaxed)
                if done { return }
                current = now
            }
        }
        func snapshot() -> [UInt64] { (0..<count).map { values[$0].load(ordering: .relaxed) } }
    }

    final class Tally: @unchecked Sendable {
        let updates = Atomic<Int>(0)
        let lookups = Atomic<Int>(0)
        let served = Atomic<Int>(0)
        let stale = Atomic<Int>(0)
        let fullFlushes = Atomic<Int>(0)
        let rangedFlushes = Atomic<Int>(0)
    }

    /// Capacities 1, 2 and 64; `pace` spins between a writer's updates, so that readers see a
    /// few changes per catch-up (ranged drops) rather than always too many (full drops).
    @Test(arguments: [(1, 2, 0), (2, 2, 4000), (64, 3, 4000), (64, 2, 0)])
    func readersNeverSeeAValueInvalidatedBeforeTheirCatchUp(capacity: Int, writers: Int, pace: Int) {
        let keys = 64
        let table = AtomicTable(count: keys)
        let ring = FlushRing(capacity: capacity)
        let floors = Floors(count: keys)
        let tally = Tally()
        let readers = 2
        let lookupsPerReader = 200_000
        let arrived = Atomic<Int>(0)
        let readersDone = Atomic<Int>(0)
        let threads = writers + readers
        @Sendable func startTogether() {
            arrived.wrappingAdd(1, ordering: .relaxed)
            while arrived.load(ordering: .relaxed) < threads {}
        }
        var bodies: [@Sendable () -> Void] = []
        for w in 0..<writers {
            bodies.append {
                startTogether()
                var key = UInt64(w * 7)
                var count = 0
                // Keep changing the table for as long as the readers read.
                while readersDone.load(ordering: .relaxed) < readers {
                    key = (key &* 31 &+ UInt64(count)) % UInt64(keys)
                    let (value, _) = table.update(key, ring: ring)
                    floors.raise(Int(key), to: value)  // the change is complete
                    count += 1
                    for _ in 0..<pace where readersDone.load(ordering: .relaxed) == readers { break }
                }
                tally.updates.wrappingAdd(count, ordering: .relaxed)
            }
        }
        for r in 0..<readers {
            bodies.append {
                startTogether()
                var tlb = SoftTLB(table: table, ring: ring, ceiling: 8, mergesRanges: r == 1)
                var floor = floors.snapshot()
                var stale = 0
                var key = UInt64(r)
                // At least the lookups asked for, and on until a catch-up had something to flush:
                // a slow writer (a large pace, a loaded machine) may not have changed a thing yet.
                var lookups = 0
                while lookups < lookupsPerReader || tlb.fullFlushes + tlb.rangedFlushes == 0 {
                    if lookups % 16 == 0 {
                        floor = floors.snapshot()  // taken before the catch-up begins
                        tlb.catchUp()
                    }
                    key = (key &* 17 &+ 5) % UInt64(keys)
                    if tlb.lookup(key) < floor[Int(key)] { stale += 1 }
                    lookups += 1
                }
                readersDone.wrappingAdd(1, ordering: .relaxed)
                tally.lookups.wrappingAdd(lookups, ordering: .relaxed)
                tally.served.wrappingAdd(tlb.hits + tlb.misses, ordering: .relaxed)
                tally.stale.wrappingAdd(stale, ordering: .relaxed)
                tally.fullFlushes.wrappingAdd(tlb.fullFlushes, ordering: .relaxed)
                tally.rangedFlushes.wrappingAdd(tlb.rangedFlushes, ordering: .relaxed)
            }
        }
        runThreads(bodies)
        // Conservation, after joining: every update took one generation and one increment.
        let updates = tally.updates.load(ordering: .relaxed)
        #expect(updates > 0)
        #expect(ring.generation == UInt64(updates))
        let tableTotal = (0..<UInt64(keys)).reduce(0) { $0 + table.value(at: $1) }
        #expect(tableTotal == UInt64(updates))
        #expect(floors.snapshot() == (0..<UInt64(keys)).map { table.value(at: $0) })
        #expect(tally.served.load(ordering: .relaxed) == tally.lookups.load(ordering: .relaxed))
        #expect(tally.stale.load(ordering: .relaxed) == 0)
        // Catch-ups did work (which kind depends on the machine's timing; both kinds are
        // covered deterministically by FlushRingTests).
        #expect(tally.fullFlushes.load(ordering: .relaxed) + tally.rangedFlushes.load(ordering: .relaxed) > 0)
    }
}
