import ShootdownModel
import Testing

/// A bounded TLB (the simulator's): least-recently-used replacement, first-level hits by reuse
/// distance; an unbounded one (the checker's) keeps everything and no recency.
@Suite struct TLBTests {
    func entry(_ page: Int) -> TLBEntry { TLBEntry(asid: 1, page: page, frame: page, isWritable: true, mm: 0) }

    @Test func aFullTLBEvictsTheLeastRecentlyUsedEntry() {
        var tlb = TLB(capacity: 2, l1Capacity: 1)
        let first = tlb.fill(entry(0))
        let second = tlb.fill(entry(1))
        _ = tlb.use(asid: 1, page: 0)  // page 1 is now the least recently used
        let third = tlb.fill(entry(2))
        #expect(!first && !second && third)
        #expect(tlb.entries.map(\.page) == [0, 2])
    }

    @Test func reuseWithinTheFirstLevelIsAFirstLevelHit() {
        var tlb = TLB(capacity: 8, l1Capacity: 2)
        tlb.fill(entry(0))
        let soon = tlb.use(asid: 1, page: 0)  // used right after its fill
        tlb.fill(entry(1))
        tlb.fill(entry(2))
        tlb.fill(entry(3))
        let late = tlb.use(asid: 1, page: 0)  // three fills since: second level
        let again = tlb.use(asid: 1, page: 0)
        #expect(soon && !late && again)
    }

    @Test func anUnboundedTLBKeepsEverythingWithoutRecency() {
        var tlb = TLB()
        var evictions = 0
        for page in 0..<100 where tlb.fill(entry(page)) { evictions += 1 }
        let firstLevel = tlb.use(asid: 1, page: 0)
        #expect(evictions == 0 && firstLevel)
        #expect(tlb.entries.count == 100)
        #expect(tlb.entries.allSatisfy { $0.lastUse == 0 })
    }
}
