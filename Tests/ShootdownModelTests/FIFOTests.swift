import Testing

@testable import ShootdownModel

/// The queue behind a CPU's mailbox: first in, first out; equal by what is pending, not by
/// what was taken.
@Suite struct FIFOTests {
    func info(_ gen: UInt64) -> FlushTLBInfo {
        FlushTLBInfo(mm: 0, start: 0, end: 1, freedTables: false, newTLBGen: gen, initiatingCPU: 0)
    }

    @Test func takesInArrivalOrder() {
        var box = Mailbox()
        for gen in 1...5 as ClosedRange<UInt64> { box.append(info(gen)) }
        #expect(box.count == 5)
        #expect(box.removeFirst().newTLBGen == 1)
        #expect(box.removeFirst().newTLBGen == 2)
        box.append(info(6))
        #expect(box.map(\.newTLBGen) == [3, 4, 5, 6])
        while !box.isEmpty { _ = box.removeFirst() }
        #expect(box.count == 0)
    }

    @Test func equalByPendingEntries() {
        var a = Mailbox()
        var b = Mailbox()
        a.append(info(1))
        a.append(info(2))
        _ = a.removeFirst()
        b.append(info(2))
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        b.append(info(3))
        #expect(a != b)
    }

    /// A mailbox that never empties keeps taking and queueing: its order holds across the
    /// compactions of the taken entries.
    @Test func orderHoldsAcrossCompactions() {
        var box = Mailbox()
        box.append(info(0))
        var next: UInt64 = 1
        for expected in 0..<200 as Range<UInt64> {
            box.append(info(next))
            next += 1
            #expect(box.removeFirst().newTLBGen == expected)
            #expect(box.count == 1)
        }
    }
}
