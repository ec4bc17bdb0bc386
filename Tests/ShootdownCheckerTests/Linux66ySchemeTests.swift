import ShootdownChecker
import ShootdownModel
import Testing

/// `linux-6.6.y`: `should_flush_tlb()` reads the target's `loaded_mm`, and the stable tree's
/// two fixes of the window that opens (CVE-2025-37964, and the ordering of its backport) are
/// each needed: every mutant that takes one back is caught; the fixed scheme passes every built-in
/// (`MutationScoreTests.linuxPassesExhaustively`).
@Suite struct Linux66ySchemeTests {
    @Test func theCatalogNamesAndListsIt() throws {
        #expect(try SchemeCatalog.scheme(named: "linux-6.6.y") == AnyScheme(Linux66yScheme()))
        #expect(
            try SchemeCatalog.scheme(named: "linux-6.6.y~cve-2025-37964")
                == AnyScheme(Linux66yScheme(mutation: .cve202537964)))
        #expect(SchemeCatalog.schemes.contains("linux-6.6.y"))
        for mutation in Linux66yScheme.Mutation.allCases {
            #expect(SchemeCatalog.mutants.contains("linux-6.6.y~\(mutation.rawValue)"))
        }
        #expect(throws: SchemeError.self) { try SchemeCatalog.scheme(named: "linux-6.6.y:size=2") }
        #expect(throws: SchemeError.self) { try SchemeCatalog.scheme(named: "linux-6.6.y~no-ipi") }
    }

    /// Each mutant is caught on `switch-in-flush`: shrunk, replayed, a stale translation by the
    /// CPU that switched back; the fixed scheme runs the same schedule safely.
    @Test(arguments: Linux66yScheme.Mutation.allCases)
    func exhaustiveCheckCatchesTheMutant(_ mutation: Linux66yScheme.Mutation) throws {
        try expectCaught(Linux66yScheme(mutation: mutation))
    }

    /// lazy-return, round robin: cpu0 idles lazy while cpu1 zaps the page. `should_flush_tlb()`
    /// skips a lazy target before it reads `loaded_mm` (6.6.y's first test), so the counters are
    /// Linux's: no IPI, one lazy skip, and the same full flush when cpu0 switches back.
    @Test func aLazyTargetIsSkippedAsIn66() throws {
        let scenario = try #require(BuiltinScenarios.named("lazy-return"))
        let linux = Runner(scenario: scenario, scheme: LinuxScheme()).run(.roundRobin)
        let stable = Runner(scenario: scenario, scheme: Linux66yScheme()).run(.roundRobin)
        #expect(stable.outcome == .completed)
        #expect(stable.counters.ipisSent == 0)
        #expect(stable.counters.ipisSkippedLazy == 1)
        #expect(stable.counters.fullFlushesSwitch == linux.counters.fullFlushesSwitch)
        #expect(stable.counters.violations == 0)
    }
}
