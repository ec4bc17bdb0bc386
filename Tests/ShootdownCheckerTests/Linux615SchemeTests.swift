import ShootdownChecker
import ShootdownModel
import Testing

/// `linux-6.15`, INVLPGB broadcast invalidation with global ASIDs: an mm active on more CPUs
/// than the threshold gets a global ASID after an IPI flush, its later flushes are INVLPGB and
/// TLBSYNC, and the CPUs still on a dynamic ASID are found and moved over by the transition.
/// Each rule the mutants take back is needed: every mutant is caught on `invlpgb-switch`.
@Suite struct Linux615SchemeTests {
    @Test func theCatalogNamesAndListsIt() throws {
        #expect(try SchemeCatalog.scheme(named: "linux-6.15") == AnyScheme(Linux615Scheme()))
        #expect(
            try SchemeCatalog.scheme(named: "linux-6.15~no-tlbsync") == AnyScheme(Linux615Scheme(mutation: .noTLBSync)))
        #expect(SchemeCatalog.schemes.contains("linux-6.15"))
        for mutation in Linux615Scheme.Mutation.allCases {
            #expect(SchemeCatalog.mutants.contains("linux-6.15~\(mutation.rawValue)"))
        }
        #expect(throws: SchemeError.self) { try SchemeCatalog.scheme(named: "linux-6.15~cve-2025-40174") }
    }

    /// Each mutant's built-in scenario: the transition's on `invlpgb-switch`, reclaim's on
    /// `invlpgb-reclaim`.
    static func scenario(of mutation: Linux615Scheme.Mutation) -> String {
        mutation == .batchGlobalOnly ? "invlpgb-reclaim" : "invlpgb-switch"
    }

    /// Each mutant is caught exhaustively on its scenario: cpu1 uses page 0 of A through the
    /// entry it filled on its dynamic ASID before x2's munmap (or r's reclaim); shrunk,
    /// replayed; the fixed scheme runs the same schedule safely.
    @Test(arguments: Linux615Scheme.Mutation.allCases)
    func exhaustiveCheckCatchesTheMutant(_ mutation: Linux615Scheme.Mutation) throws {
        try expectCaught(Linux615Scheme(mutation: mutation), on: Self.scenario(of: mutation), shrunkTo: 70)
    }

    @Test(arguments: ["invlpgb-switch", "invlpgb-reclaim"])
    func theKernelPassesItsScenarios(_ name: String) throws {
        let scenario = try #require(BuiltinScenarios.named(name))
        let result = ExhaustiveChecker(scenario: scenario, scheme: Linux615Scheme()).run()
        #expect(result.violation == nil)
        #expect(result.stats.deadlocks == 0)
        #expect(result.stats.states > 50)
    }

    /// The wait the third mutant drops: its counterexample is cpu1 choosing its dynamic ASID
    /// (the global one not assigned yet) and still `LOADED_MM_SWITCHING` when x2's flush looks
    /// at it.
    @Test func theSwitchingCPUIsPassedOverWithoutTheWait() throws {
        let scenario = try #require(BuiltinScenarios.named("invlpgb-switch"))
        let mutant = Linux615Scheme(mutation: .noSwitchingWait)
        let shrunk = try expectCaught(mutant, on: "invlpgb-switch", shrunkTo: 70)
        let lines = Runner(scenario: scenario, scheme: mutant, tracing: true).run(.scripted(shrunk)).world.trace
            .map(\.detail)
        #expect(lines.contains("cpu1 LOADED_MM_SWITCHING (not waited for)"))
        #expect(lines.contains { $0.hasPrefix("A: ASID 1, ") && $0.hasSuffix("CR3 | NOFLUSH") })
    }

    /// Round robin, exact counts: x's first madvise goes by IPI (cpu1 spins on A, not lazy), and
    /// `consider_global_asid()` then finds A active on 2 CPUs, more than the threshold 1. The
    /// second madvise is an INVLPGB; the transition finds cpu0 itself still on its dynamic ASID
    /// and IPIs the mask (cpu1 and cpu0 reload to global ASID 6). The third is an INVLPGB alone,
    /// and ends the transition. 6.14 sends an IPI for each of the three.
    @Test func aBusyMMMovesToBroadcastFlushes() throws {
        let scenario = try ScenarioFormat.parse(
            """
            cpus 2
            invlpgb on threshold 1
            mm A
              map 0-3 write populated
            thread x mm=A cpu=0
              wait filled; madvise 0; madvise 1; madvise 2-3; signal done
            thread y mm=A cpu=1
              read 0; read 1; read 2; signal filled; spin done; read 2
            """, source: "busy")
        let lazy = Runner(scenario: scenario, scheme: Linux614Scheme()).run(.roundRobin)
        let broadcast = Runner(scenario: scenario, scheme: Linux615Scheme()).run(.roundRobin)
        #expect(lazy.outcome == .completed && broadcast.outcome == .completed)
        #expect(lazy.counters.ipisSent == 3)
        #expect(lazy.counters.nrTLBRemoteFlush == 3)
        #expect(lazy.counters.invlpgbs == 0 && lazy.counters.globalASIDs == 0)
        #expect(broadcast.counters.globalASIDs == 1)
        #expect(broadcast.counters.invlpgbs == 2)
        #expect(broadcast.counters.tlbsyncs == 2)
        #expect(broadcast.counters.nrTLBRemoteFlush == 2)
        #expect(broadcast.counters.ipisSent == 2)
        #expect(broadcast.counters.rangedFlushesIPI == 1)
        let a = try #require(scenario.addressSpaces.firstIndex { $0.name == "A" })
        let end = broadcast.world.state
        #expect(end.mms[a].globalASID == tlbNrDynASIDs)
        #expect(!end.mms[a].inASIDTransition)
        #expect(end.cpus.allSatisfy { $0.tlbState.loadedASID == tlbNrDynASIDs })
        // Without INVLPGB the same kernel is 6.14.
        var plain = scenario
        plain.hasINVLPGB = false
        #expect(Runner(scenario: plain, scheme: Linux615Scheme()).run(.roundRobin).counters == lazy.counters)
    }

    /// Reclaim's batched flush is `invlpgb_flush_all_nonglobals()` with INVLPGB: one INVLPGB and
    /// TLBSYNC empty every TLB, no IPI; 6.14 sends cpu1 its IPI. Every schedule is safe.
    @Test func reclaimFlushesEveryTLBAtOnce() throws {
        let scenario = try ScenarioFormat.parse(
            """
            cpus 2
            invlpgb on
            mm A
              map 0-1 write populated
            thread y mm=A cpu=1
              read 0; read 1; signal filled; spin done; read 0
            thread r mm=A cpu=0
              wait filled; reclaim 0; signal done
            """, source: "reclaim")
        let lazy = Runner(scenario: scenario, scheme: Linux614Scheme()).run(.roundRobin)
        let broadcast = Runner(scenario: scenario, scheme: Linux615Scheme()).run(.roundRobin)
        #expect(lazy.counters.ipisSent == 1)
        #expect(broadcast.counters.ipisSent == 0)
        #expect(broadcast.counters.invlpgbs == 1 && broadcast.counters.tlbsyncs == 1)
        #expect(broadcast.counters.globalASIDs == 0)
        #expect(ExhaustiveChecker(scenario: scenario, scheme: Linux615Scheme()).run().violation == nil)
    }

    /// On a machine without INVLPGB, 6.15 is 6.14 step for step: the same states on built-ins.
    @Test(arguments: ["switch-in-flush", "freed-tables", "lazy-sleep"])
    func withoutINVLPGBItIsTheLazyCPUMask(_ name: String) throws {
        let scenario = try #require(BuiltinScenarios.named(name))
        let lazy = ExhaustiveChecker(scenario: scenario, scheme: Linux614Scheme()).run()
        let broadcast = ExhaustiveChecker(scenario: scenario, scheme: Linux615Scheme()).run()
        #expect(broadcast.violation == nil)
        #expect(broadcast.stats.states == lazy.stats.states)
        #expect(broadcast.stats.transitions == lazy.stats.transitions)
    }
}
