import ShootdownModel
import Testing

@testable import ShootdownChecker

/// The source sets' store of subtree summaries: what goes in comes out, through growth; a state
/// explored again has no summary until it finishes, and then the two are merged.
@Suite struct SummaryTableTests {
    func summary(_ seed: UInt64) -> SubtreeSummary {
        var child = SubtreeSummary()
        child.add(.interrupt(cpu: Int(seed % 3)), AccessMask(read: seed, written: seed << 1, updated: 0), then: .init())
        var summary = SubtreeSummary()
        summary.add(.step(cpu: Int(seed % 2)), AccessMask(read: 1, written: seed, updated: seed >> 3), then: child)
        return summary
    }

    func expectSame(_ a: SubtreeSummary?, _ b: SubtreeSummary, _ comment: Comment? = nil) {
        guard let a else {
            Issue.record("missing summary")
            return
        }
        for cpu in 0..<3 { #expect(a.mask(of: cpu) == b.mask(of: cpu), comment) }
        #expect(a.firstActions == b.firstActions && a.firstChoices == b.firstChoices, comment)
        #expect(a.isUnknown == b.isUnknown, comment)
    }

    @Test func summariesComeBackThroughGrowth() {
        var table = SummaryTable(cpus: 3)
        for seed in 0..<UInt64(5_000) { table.finish(seed &* 0x9E37_79B9_7F4A_7C15, with: summary(seed)) }
        #expect(table.count == 5_000)
        for seed in 0..<UInt64(5_000) { expectSame(table.summary(of: seed &* 0x9E37_79B9_7F4A_7C15), summary(seed)) }
        #expect(table.summary(of: 12_345) == nil)
        table.finish(0, with: .unknown)
        #expect(table.summary(of: 0)?.isUnknown == true)
    }

    @Test func aStateExploredAgainIsMerged() {
        var table = SummaryTable(cpus: 3)
        table.finish(7, with: summary(1))
        expectSame(table.reopen(7), summary(1))
        #expect(table.summary(of: 7) == nil)
        table.finish(7, with: summary(2))
        var merged = summary(2)
        merged.formUnion(summary(1))
        expectSame(table.summary(of: 7), merged)
        #expect(table.count == 1)
    }
}
