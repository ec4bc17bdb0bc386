import ShootdownChecker
import ShootdownModel
import Testing

/// `linux-ipi-lazy`, the scheme docs/writing-a-scheme.md builds: reachable by name, different
/// from Linux exactly where its one decision differs, and as safe.
@Suite struct LinuxIPILazySchemeTests {
    @Test func theCatalogNamesAndListsIt() throws {
        #expect(try SchemeCatalog.scheme(named: "linux-ipi-lazy") == AnyScheme(LinuxIPILazyScheme()))
        #expect(SchemeCatalog.schemes.contains("linux-ipi-lazy"))
        #expect(throws: SchemeError.self) { try SchemeCatalog.scheme(named: "linux-ipi-lazy:size=2") }
        #expect(throws: SchemeError.self) { try SchemeCatalog.scheme(named: "linux-ipi-lazy~no-ipi") }
    }

    /// lazy-return, round robin: cpu0 idles lazy while cpu1 zaps the page. Linux skips it and it
    /// catches up by a full flush when it returns; the scheme interrupts it, and the IPI moves it
    /// to init_mm, so it still flushes fully on its return (its generation stayed behind).
    @Test func aLazyCPUIsInterruptedInsteadOfSkipped() throws {
        let scenario = try #require(BuiltinScenarios.named("lazy-return"))
        let linux = Runner(scenario: scenario, scheme: LinuxScheme()).run(.roundRobin)
        let scheme = Runner(scenario: scenario, scheme: LinuxIPILazyScheme()).run(.roundRobin)
        #expect(linux.outcome == .completed && scheme.outcome == .completed)
        #expect(linux.counters.ipisSent == 0)
        #expect(linux.counters.ipisSkippedLazy == 1)
        #expect(scheme.counters.ipisSent == 1)
        #expect(scheme.counters.ipisSkippedLazy == 0)
        #expect(scheme.counters.nrTLBRemoteFlushReceived == 1)
        #expect(scheme.counters.fullFlushesSwitch == linux.counters.fullFlushesSwitch)
    }

    /// No stale translation in any schedule of the lazy scenarios (the extra IPIs cost, never
    /// endanger), through the catalog's generic dispatch as `check` runs it.
    @Test(arguments: ["lazy-return", "lazy-sleep", "freed-tables", "switch-away", "seed-thread"])
    func passesTheLazyScenariosExhaustively(_ name: String) throws {
        let scenario = try #require(BuiltinScenarios.named(name))
        let result = try SchemeCatalog.scheme(named: "linux-ipi-lazy").accept(ExhaustiveCheck(scenario: scenario))
        #expect(result.violation == nil)
        #expect(result.stats.depthBoundHits == 0)
    }
}
