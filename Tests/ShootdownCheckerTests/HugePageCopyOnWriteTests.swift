import ShootdownChecker
import ShootdownModel
import Testing

/// Copy on write of a huge page from both sides of a fork (docs/huge-pages.md): the scenario
/// `hunt --scheme linux --max-cpus 2 --seed 7000` found once the forked child ran (scenario
/// 11,144, shrunk), and an mprotect of the whole PMD after the child's copy
/// (`HugePageTests.aWriteAfterTheOtherSideSplitSplitsToo` runs the smallest case).
/// Every scheme that flushes correctly passes both in every schedule, the oracles included; the
/// model once reused the child's whole PMD over frames the parent still mapped, a shared write
/// under all of them.
@Suite struct HugePageCopyOnWriteTests {
    static let scenarios = [
        """
        cpus 2
        pages 4
        ptes-per-table 2
        frames 12
        mm A
          map 0-3 write huge
        mm C
        thread t0 mm=A cpu=0
          fork C
        thread t2 mm=A cpu=1
          write 0; write 1
        thread c mm=C cpu=0
          write 0
        """,
        // `hunt --scheme oracle-hw --seed 60000`, scenario 24,773 (shrunk): after the child's
        // split and copy of page 2, mprotect(PROT_WRITE) of the parent's whole PMD must leave it
        // read-only (`can_change_pmd_writable()`: the folio is not exclusive), for page 3's
        // frame is still the child's too.
        """
        cpus 3
        pages 4
        ptes-per-table 2
        frames 10
        invlpgb on threshold 0
        mm A
          map 2-3 write huge
        mm C
        thread t1 mm=A cpu=1
          mprotect 2-3 write
        thread t2 mm=A cpu=2
          write 3
        thread t3 mm=A cpu=0
          fork C
        thread c mm=C cpu=0
          write 2
        """,
    ]

    @Test(arguments: ["linux", "linux-6.15", "ring-list", "rfc15", "oracle-hw", "oracle-sw"])
    func everyScheduleKeepsTheCopiesApart(_ scheme: String) throws {
        for text in Self.scenarios {
            let scenario = try ScenarioFormat.parse(text, source: "test")
            let result = try SchemeCatalog.scheme(named: scheme).accept(ExhaustiveCheck(scenario: scenario))
            #expect(result.violation == nil, "\(String(describing: result.violation))")
            #expect(result.stats.states > 100)
        }
    }
}
