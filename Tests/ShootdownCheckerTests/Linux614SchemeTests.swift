import ShootdownChecker
import ShootdownModel
import Testing

/// `linux-6.14`, the lazy mm_cpumask: a switch leaves the old mm's bit and sets the new one only
/// when clear, a flush IPI that finds another mm loaded trims the bit, and each of the two fixes
/// the scheme carries (CVE-2025-37964, CVE-2025-40174) is needed: every mutant that takes one
/// back is caught. The fixed scheme passes every built-in (`MutationScoreTests`).
@Suite struct Linux614SchemeTests {
    @Test func theCatalogNamesAndListsIt() throws {
        #expect(try SchemeCatalog.scheme(named: "linux-6.14") == AnyScheme(Linux614Scheme()))
        #expect(
            try SchemeCatalog.scheme(named: "linux-6.14~cve-2025-40174")
                == AnyScheme(Linux614Scheme(mutation: .cve202540174)))
        #expect(SchemeCatalog.schemes.contains("linux-6.14"))
        for mutation in Linux614Scheme.Mutation.allCases {
            #expect(SchemeCatalog.mutants.contains("linux-6.14~\(mutation.rawValue)"))
        }
        #expect(throws: SchemeError.self) { try SchemeCatalog.scheme(named: "linux-6.14:size=2") }
        #expect(throws: SchemeError.self) { try SchemeCatalog.scheme(named: "linux-6.14~switching-after-gen") }
    }

    /// Each mutant is caught on `switch-in-flush`: cpu1 goes back to A, whose cpumask still has
    /// its bit, while cpu0 zaps A's page; shrunk, replayed, a stale translation by cpu1; the
    /// fixed scheme runs the same schedule safely.
    @Test(arguments: Linux614Scheme.Mutation.allCases)
    func exhaustiveCheckCatchesTheMutant(_ mutation: Linux614Scheme.Mutation) throws {
        try expectCaught(Linux614Scheme(mutation: mutation))
    }

    /// CVE-2025-40174 is a store-buffering bug: the counterexample's switch back to A finds its
    /// bit already set (no locked instruction, no `smp_mb()`) and reads `tlb_gen` while the
    /// initiator still reads B in `loaded_mm`.
    @Test func theUnfencedSwitchHidesLoadedMMUntilCR3() throws {
        let scenario = try #require(BuiltinScenarios.named("switch-in-flush"))
        let scheme = Linux614Scheme(mutation: .cve202540174)
        let shrunk = try expectCaught(scheme)
        let replay = Runner(scenario: scenario, scheme: scheme, tracing: true).run(.scripted(shrunk))
        let lines = replay.world.trace.map(\.detail)
        #expect(lines.contains { $0.contains("no smp_mb(), LOADED_MM_SWITCHING stays in the store buffer") })
        #expect(lines.contains { $0.hasPrefix("cpu1 loaded_mm = B: skip") })
    }

    /// A CPU that left A for B stays in A's cpumask; a munmap that frees A's page table
    /// interrupts every CPU of the mask, and the IPI, finding B loaded, clears the bit
    /// (`TLB_REMOTE_WRONG_CPU`). Linux 6.6 cleared the bit at the switch and sends nothing.
    /// Round robin, exact counts.
    @Test func aFlushIPITrimsTheBitASwitchLeft() throws {
        let scenario = try ScenarioFormat.parse(
            """
            cpus 2
            mm A
              map 0-1 write populated
            mm B
              map 0 write populated
            thread a mm=A cpu=1
              read 0; signal ran
            thread b mm=B cpu=1
              wait ran; read 0; wait done; read 0
            thread w mm=A cpu=0
              wait ran; munmap 0-1; signal done
            """, source: "trim")
        let linux = Runner(scenario: scenario, scheme: LinuxScheme()).run(.roundRobin)
        let lazy = Runner(scenario: scenario, scheme: Linux614Scheme()).run(.roundRobin)
        #expect(linux.outcome == .completed && lazy.outcome == .completed)
        #expect(linux.counters.ipisSent == 0)
        #expect(linux.counters.cpumaskTrims == 0)
        #expect(linux.counters.cpumaskSwitchWrites == 2)  // clear A, set B
        #expect(lazy.counters.ipisSent == 1)
        #expect(lazy.counters.nrTLBRemoteFlushReceived == 1)
        #expect(lazy.counters.cpumaskTrims == 1)
        #expect(lazy.counters.cpumaskSwitchWrites == 1)  // set B only
        #expect(lazy.counters.fullFlushesIPI == 0 && lazy.counters.rangedFlushesIPI == 0)
        let a = try #require(scenario.addressSpaces.firstIndex { $0.name == "A" })
        #expect(!lazy.world.state.mms[a].cpumask.contains(1))
    }

    /// cpu1 left A for B and runs B (spinning, not lazy). A second later (`tick`), cpu0's madvise
    /// of A finds `next_trim_cpumask` due: `should_flush_tlb()` interrupts cpu1 although it runs
    /// B, and the IPI clears cpu1's bit. Without the tick no trim is due and cpu1 gets nothing;
    /// 6.6.0 has no trim and cleared the bit at the switch. Round robin, exact counts; every
    /// schedule is safe under both stable kernels.
    @Test func aSecondLaterAFlushTrimsCPUsRunningAnotherMM() throws {
        let text = """
            cpus 2
            mm A
              map 0 write populated
            mm B
              map 0 write populated
            thread a mm=A cpu=1
              read 0; signal ran
            thread b mm=B cpu=1
              wait ran; read 0; spin done; read 0
            thread w mm=A cpu=0
              wait ran; tick; madvise 0; signal done
            """
        let ticking = try ScenarioFormat.parse(text, source: "tick")
        let still = try ScenarioFormat.parse(text.replacingOccurrences(of: " tick;", with: ""), source: "no tick")
        let trimmed = Runner(scenario: ticking, scheme: Linux614Scheme()).run(.roundRobin)
        #expect(trimmed.counters.ipisSent == 1)
        #expect(trimmed.counters.cpumaskTrims == 1)
        #expect(trimmed.counters.nrTLBRemoteFlushReceived == 1)
        let untrimmed = Runner(scenario: still, scheme: Linux614Scheme()).run(.roundRobin)
        #expect(untrimmed.counters.ipisSent == 0)
        #expect(untrimmed.counters.cpumaskTrims == 0)
        #expect(Runner(scenario: ticking, scheme: LinuxScheme()).run(.roundRobin).counters.ipisSent == 0)
        for scheme in ["linux-6.6.y", "linux-6.14"] {
            let result = try SchemeCatalog.scheme(named: scheme).accept(ExhaustiveCheck(scenario: ticking))
            #expect(result.violation == nil, "\(scheme)")
        }
    }

    /// Back on a CPU whose bit stayed set, the switch writes no cpumask at all; 6.6 clears and
    /// sets on every switch between two mms. switch-in-flush's round robin switches cpu1 from A
    /// to B and back: 6.6 clears A, sets B, clears B, sets A; 6.14 only sets B.
    @Test func aSwitchBackWritesNoCpumask() throws {
        let scenario = try #require(BuiltinScenarios.named("switch-in-flush"))
        let linux = Runner(scenario: scenario, scheme: LinuxScheme()).run(.roundRobin)
        let lazy = Runner(scenario: scenario, scheme: Linux614Scheme()).run(.roundRobin)
        #expect(linux.outcome == .completed && lazy.outcome == .completed)
        #expect(linux.counters.contextSwitches == lazy.counters.contextSwitches)
        #expect(linux.counters.cpumaskSwitchWrites == 4)
        #expect(lazy.counters.cpumaskSwitchWrites == 1)
        #expect(lazy.counters.violations == 0)
    }
}
