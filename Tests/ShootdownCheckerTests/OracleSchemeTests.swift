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
}
