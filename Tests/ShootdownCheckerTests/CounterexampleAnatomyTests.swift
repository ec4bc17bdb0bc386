import ShootdownChecker
import ShootdownModel
import Testing

/// What the HTML page shows on a click and down the violating CPU's lane: each step's
/// footprint with its values, and the stale entry's life.
@Suite struct CounterexampleAnatomyTests {
    /// The seed thread's bug: cpu0 fills page 1 on switching into A (step 18), cpu1's mprotect
    /// clears write (27) and returns (37, the revocation due), cpu0 writes through it (44); the
    /// steps that decide it read and write what the mail says.
    @Test func theSeedThreadsStaleEntryAndFootprints() throws {
        let scenario = try #require(BuiltinScenarios.named("seed-thread"))
        let example = try #require(
            try SchemeCatalog.scheme(named: "rfc15-buggy").accept(CausalSliceTests.Slice(scenario: scenario)))
        let anatomy = try #require(example.anatomy)
        #expect(anatomy.footprints.count == example.schedule.count)
        let life = try #require(anatomy.staleEntry)
        #expect(life.entry == "cpu0's TLB: A page 1 -> frame 1 (rw)")
        #expect([life.filled, life.revoked, life.due, life.used] == [18, 27, 37, 44])
        // The deferred change takes generation 2; the PTE loses write; cpu0 finds A's generation
        // current when it switches back.
        #expect(anatomy.footprints[13].writes == ["A->context.tlb_gen = 2"])
        #expect(anatomy.footprints[26].writes == ["PTE of A page 1 = frame 1 ro"])
        #expect(anatomy.footprints[41].reads.contains("A->context.tlb_gen = 2"))
    }

    /// Every mutant's stale entry (where the violation used one) is filled, revoked, due and used
    /// in that order, and due before the use; every step has its footprint.
    @Test(arguments: CausalSliceTests.cases)
    func everyStaleEntryLivesInOrder(_ scheme: String, _ name: String) throws {
        let scenario = try #require(BuiltinScenarios.named(name))
        let example = try #require(
            try SchemeCatalog.scheme(named: scheme).accept(CausalSliceTests.Slice(scenario: scenario)))
        let anatomy = try #require(example.anatomy)
        #expect(anatomy.footprints.count == example.schedule.count)
        guard example.violationKind.hasPrefix("stale-") else { return }
        let life = try #require(anatomy.staleEntry)
        let filled = try #require(life.filled)
        let revoked = try #require(life.revoked)
        let due = try #require(life.due)
        #expect(filled <= revoked && revoked <= due && due < life.used, "\(life)")
        #expect(life.used == example.schedule.count)
    }
}
