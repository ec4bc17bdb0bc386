import Testing

@testable import ShootdownModel

/// A bounded TLB (the simulator's): least-recently-used replacement, first-level hits by reuse
/// distance; an unbounded one (the checker's) keeps everything and no recency.
@Suite struct TLBTests {
    func entry(_ page: Int) -> TLBEntry { TLBEntry(asid: 1, page: page, frame: page, isWritable: true, mm: 0) }

    /// Entries of pages 0..<count in ASIDs 0, 2 and 5, of mm 0 except ASID 5's (mm 1).
    func filled(_ count: Int) -> TLB {
        var tlb = TLB()
        for asid in [0, 2, 5] {
            for page in 0..<count {
                tlb.fill(TLBEntry(asid: asid, page: page, frame: page, isWritable: true, mm: asid == 5 ? 1 : 0))
            }
        }
        return tlb
    }

    @Test(arguments: [5, 100])  // scanned, and searched per ASID
    func ghostUpdatesReachEveryEntryOfTheRangeAndMMAndNoOther(count: Int) {
        var tlb = filled(count)
        tlb.updateEntries(mm: 0, pages: 2..<4) { $0.isWritable = false }
        let changed = tlb.entries.filter { !$0.isWritable }.map { [$0.asid, $0.page, $0.mm] }
        #expect(changed == [[0, 2, 0], [0, 3, 0], [2, 2, 0], [2, 3, 0]])
    }

    @Test func invlpgOfARangeDropsExactlyItsPagesInItsASID() {
        var tlb = filled(100)
        tlb.invalidate(asid: 2, pages: 10..<43)
        #expect(tlb.entries.count == 300 - 33)
        #expect(!tlb.entries.contains { $0.asid == 2 && (10..<43).contains($0.page) })
        #expect(tlb.lookup(asid: 2, page: 9) != nil && tlb.lookup(asid: 2, page: 43) != nil)
        #expect(tlb.lookup(asid: 0, page: 20) != nil && tlb.lookup(asid: 5, page: 20) != nil)
        tlb.invalidate(asid: 2, pages: 200..<210)  // nothing cached there
        #expect(tlb.entries.count == 300 - 33)
    }

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
