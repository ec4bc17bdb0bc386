import Testing

@testable import FlushRing

/// Single-threaded behaviour, checked against a plain list of everything published.
@Suite struct FlushRingTests {
    /// A tiny deterministic generator (SplitMix64) for the property tests.
    struct Mix {
        var state: UInt64
        mutating func next(below bound: UInt64) -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return (z ^ (z >> 31)) % bound
        }
    }

    @Test(arguments: [1, 2, 64], [0, 1, 2, 3, 4, 5, 6, 7] as [UInt64])
    func catchUpMatchesASequentialReference(capacity: Int, seed: UInt64) {
        let ring = FlushRing(capacity: capacity)
        var log: [Range<UInt64>] = []  // the reference: every range ever published, by generation - 1
        var cursors = [FlushRing.Cursor](repeating: .init(generation: 0), count: 3)
        var mix = Mix(state: seed)
        for _ in 0..<2_000 {
            if mix.next(below: 3) != 0 {
                let start = mix.next(below: 100)
                let range = start..<start + 1 + mix.next(below: 8)
                let g = ring.publish(range)
                log.append(range)
                #expect(g == UInt64(log.count))
            } else {
                let reader = Int(mix.next(below: UInt64(cursors.count)))
                let ceiling = mix.next(below: 2) == 0 ? UInt64.max : 20
                let from = cursors[reader].generation
                let result = ring.catchUp(from: &cursors[reader], ceiling: ceiling)
                let missed = Array(log[Int(from)...])
                #expect(cursors[reader].generation == UInt64(log.count))
                let pages = missed.reduce(0) { $0 + $1.count }
                if missed.isEmpty {
                    #expect(result == .upToDate)
                } else if missed.count > capacity || UInt64(pages) > ceiling {
                    #expect(result == .flushAll)
                } else {
                    #expect(result == .ranges(missed))
                }
            }
        }
    }

    @Test func wrapAroundWithOneSlotKeepsOnlyTheNewest() {
        let ring = FlushRing(capacity: 1)
        var cursor = FlushRing.Cursor(generation: ring.generation)
        ring.publish(3..<4)
        #expect(ring.catchUp(from: &cursor) == .ranges([3..<4]))
        ring.publish(5..<6)
        ring.publish(7..<9)
        #expect(ring.catchUp(from: &cursor) == .flushAll)  // two behind, one slot
        #expect(cursor.generation == 3)
        #expect(ring.catchUp(from: &cursor) == .upToDate)
    }

    @Test func mergedTakesMinStartAndMaxEnd() {
        let listed = FlushRing.CatchUp.ranges([10..<12, 3..<4, 20..<21])
        #expect(listed.merged() == .ranges([3..<21]))
        #expect(listed.merged(ceiling: 17) == .flushAll)
        #expect(FlushRing.CatchUp.flushAll.merged() == .flushAll)
    }

    @Test func aSlotMidWriteForcesAFullFlush() {
        let ring = FlushRing(capacity: 4)
        var cursor = FlushRing.Cursor(generation: 0)
        ring.publish(1..<2)
        ring.publish(2..<3)
        // Generation 2's writer is mid-write: busy mark set, range not yet published.
        ring.slots[2].seq.store(2 | FlushRing.busyBit, ordering: .relaxed)
        #expect(ring.catchUp(from: &cursor) == .flushAll)
    }

    @Test func anOvertakenWriterLeavesTheNewerRange() {
        let ring = FlushRing(capacity: 2)
        ring.publish(1..<2)  // generation 1, slot 1
        // Generation 5 already owns slot 1 when the writer of generation 3 gets to it, as when
        // that writer was delayed between taking its generation and claiming the slot.
        ring.slots[1].seq.store(5, ordering: .relaxed)
        ring.slots[1].start.store(40, ordering: .relaxed)
        ring.slots[1].end.store(41, ordering: .relaxed)
        ring.publish(7..<8)  // generation 2, slot 0
        ring.publish(9..<10)  // generation 3, slot 1: owner 5 >= 3, so it gives up
        #expect(ring.slots[1].seq.load(ordering: .relaxed) == 5)
        #expect(ring.slots[1].start.load(ordering: .relaxed) == 40)
        var cursor = FlushRing.Cursor(generation: 2)
        #expect(ring.catchUp(from: &cursor) == .flushAll)  // generation 3's slot says 5
    }

    @Test func softTLBDropsOnlyTheChangedKeys() {
        let table = AtomicTable(count: 8)
        let ring = FlushRing(capacity: 4)
        var tlb = SoftTLB(table: table, ring: ring)
        #expect(tlb.lookup(1) == 0)
        #expect(tlb.lookup(2) == 0)
        table.update(1, ring: ring)
        #expect(tlb.lookup(1) == 0)  // not yet at a safe point
        tlb.catchUp()
        #expect(tlb.lookup(1) == 1)
        #expect(tlb.lookup(2) == 0)
        #expect(tlb.hits == 2)
        #expect(tlb.misses == 3)
        #expect(tlb.rangedFlushes == 1)
        for _ in 0..<5 { table.update(3, ring: ring) }
        tlb.catchUp()
        #expect(tlb.fullFlushes == 1)  // five changes, four slots
        #expect(tlb.cachedCount == 0)
    }
}

/// The README's usage example, compiled and run.
@Suite struct ReadmeExampleTests {
    @Test func readmeExampleWorks() {
        let table = AtomicTable(count: 1024)
        let ring = FlushRing(capacity: 64)
        table.update(42, ring: ring)
        var tlb = SoftTLB(table: table, ring: ring, ceiling: 33)
        let value = tlb.lookup(42)
        tlb.catchUp()
        #expect(value == 1)
        var cursor = FlushRing.Cursor(generation: ring.generation)
        table.update(7, ring: ring)
        #expect(ring.catchUp(from: &cursor, ceiling: 33) == .ranges([7..<8]))
    }
}
