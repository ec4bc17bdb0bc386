import ShootdownModel
import Testing

@testable import ShootdownChecker

/// The visited states' table: five slots to a cache line, probed a bucket at a time.
@Suite struct VisitedTableTests {
    /// Fingerprints in a fixed pseudo-random order (the model's seeded generator; 200,000 of
    /// them are distinct).
    static func fingerprints(_ count: Int) -> [UInt64] {
        var generator = SeededGenerator(seed: 7)
        return (0..<count).map { _ in generator.next() }
    }

    @Test func everyStateStoredIsFoundWithWhatItWasStoredWith() {
        var table = VisitedTable(capacity: 16)
        let all = Self.fingerprints(200_000)
        for (i, fingerprint) in all.enumerated() {
            #expect(table.insert(fingerprint, sleep: UInt16(i & 0xFFFF), depth: i % 5000) == nil)
        }
        #expect(table.count == all.count)
        // The table grew many times on the way; every state is still where a lookup finds it.
        var misplaced = 0
        for (i, fingerprint) in all.enumerated()
        where table.insert(fingerprint, sleep: 0, depth: 0)
            != VisitedTable.Stored(sleep: UInt16(i & 0xFFFF), depth: i % 5000)
        {
            misplaced += 1
        }
        #expect(misplaced == 0)
        #expect(table.count == all.count)
        // Five 8-byte fingerprints and their 4-byte words in 64 bytes, at most 9/10 full.
        #expect(table.bytesPerState >= 64.0 / 5 / 0.9 && table.bytesPerState <= 64.0 / 5 / 0.9 * 1.5 + 0.01)
    }

    /// Fingerprints whose home is the last bucket fill it and go on in the first.
    @Test func probesWrapFromTheLastBucketToTheFirst() {
        var table = VisitedTable(capacity: 16)
        let last = (0..<12).map { UInt64.max - UInt64($0) }
        let first = (0..<3).map { UInt64($0) + 2 }
        for fingerprint in last + first { #expect(table.insert(fingerprint, sleep: 1, depth: 2) == nil) }
        for fingerprint in last + first {
            #expect(table.insert(fingerprint, sleep: 0, depth: 0) == VisitedTable.Stored(sleep: 1, depth: 2))
        }
        #expect(table.count == 15)
    }

    /// A fingerprint of 0 (the free slot's mark) is stored as 1.
    @Test func aFingerprintOfZeroIsStored() {
        var table = VisitedTable()
        #expect(table.insert(0, sleep: 3, depth: 4) == nil)
        #expect(table.insert(0, sleep: 0, depth: 0) == VisitedTable.Stored(sleep: 3, depth: 4))
        #expect(table.count == 1)
    }

    @Test func aVisitExploresWhatWasAsleepBeforeAndIsAwakeNow() {
        var table = VisitedTable()
        #expect(table.visit(9, sleep: 0b0110, depth: 10, reexploresDeeper: false) == .new)
        // Asleep for the same actions or more: nothing new to explore.
        #expect(table.visit(9, sleep: 0b1110, depth: 10, reexploresDeeper: false) == .known)
        // Action 1 is awake now: explore it alone; what is stored sleeps only on action 2 then.
        #expect(table.visit(9, sleep: 0b0100, depth: 10, reexploresDeeper: false) == .again(skip: ~0b0010))
        #expect(table.insert(9, sleep: 0, depth: 0) == VisitedTable.Stored(sleep: 0b0100, depth: 10))
        // Reached with more depth left (a smaller depth): explored again under the depth bound only.
        #expect(table.visit(9, sleep: 0b0100, depth: 3, reexploresDeeper: false) == .known)
        #expect(table.visit(9, sleep: 0b0100, depth: 3, reexploresDeeper: true) == .again(skip: 0b0100))
        #expect(table.insert(9, sleep: 0, depth: 0) == VisitedTable.Stored(sleep: 0b0100, depth: 3))
    }

    /// A table is a value: a copy changes alone.
    @Test func aCopyChangesAlone() {
        var table = VisitedTable()
        _ = table.insert(5, sleep: 1, depth: 1)
        var copy = table
        _ = copy.insert(6, sleep: 1, depth: 1)
        copy.update(5, sleep: 2, depth: 2)
        #expect(table.count == 1 && copy.count == 2)
        #expect(table.insert(5, sleep: 0, depth: 0) == VisitedTable.Stored(sleep: 1, depth: 1))
        #expect(table.insert(6, sleep: 9, depth: 9) == nil)
    }
}
