import ShootdownChecker
import ShootdownModel
import Testing

/// The simulator's lower bounds are correct schemes too: the checker finds no schedule on any
/// built-in scenario where they let a CPU use a stale translation.
@Suite struct OracleSchemeTests {
    @Test(arguments: OracleScheme.Kind.allCases)
    func theOraclesPassEveryBuiltinScenario(_ kind: OracleScheme.Kind) throws {
        for name in BuiltinScenarios.names {
            let scenario = try #require(BuiltinScenarios.named(name))
            let result = ExhaustiveChecker(scenario: scenario, scheme: OracleScheme(kind)).run()
            #expect(result.violation == nil, "\(kind.rawValue) on \(name)")
        }
    }

    /// A NUMA hint leaves the CPU's writable entry to live until the frame is copied; fork then
    /// shares the frame copy-on-write, the last moment for that entry (Linux's hint flushed it
    /// before dropping `mmap_lock`). `oracle-hw` once kept it, and the next write reached the
    /// child's page: found by `hunt --scheme oracle-hw --seed 60000` (scenario 196, shrunk).
    @Test(arguments: ["oracle-hw", "oracle-sw", "linux"])
    func aNUMAHintsEntryIsGoneOnceForkSharesTheFrame(_ scheme: String) throws {
        let scenario = try ScenarioFormat.parse(
            """
            cpus 2
            pages 1
            ptes-per-table 2
            frames 2
            mm A
              map 0 write
            mm C
            thread t0 mm=A cpu=0
              fork C
            thread t2 mm=A cpu=1
              write 0; numa-hint 0; write 0
            """, source: "test")
        let result = try SchemeCatalog.scheme(named: scheme).accept(ExhaustiveCheck(scenario: scenario))
        #expect(result.violation == nil, "\(String(describing: result.violation))")
    }
}
