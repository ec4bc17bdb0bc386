import ShootdownModel
import Testing

@testable import ShootdownChecker

/// Source-set DPOR (``ExhaustiveChecker/usesSourceSets``) prunes states, so it is held to what
/// must not change: the verdict, the violation found, and the terminal states (every maximal
/// schedule ends in a state the search without it reaches, and the other way round).
@Suite struct SourceSetTests {
    static func check<S: Scheme>(
        _ scenario: Scenario, _ scheme: S, sourceSets: Bool, bounds: CheckBounds = .standard
    ) -> ExhaustiveResult {
        var checker = ExhaustiveChecker(scenario: scenario, scheme: scheme, bounds: bounds)
        checker.usesSourceSets = sourceSets
        return checker.run()
    }

    struct Both: SchemeVisitor {
        let scenario: Scenario
        func visit<S: Scheme>(_ scheme: S) -> (ExhaustiveResult, ExhaustiveResult) {
            (check(scenario, scheme, sourceSets: false), check(scenario, scheme, sourceSets: true))
        }
    }

    /// Every built-in scenario under every scheme: the same verdict and violation kind, the same
    /// terminal states when it passes, and never more states.
    @Test(arguments: BuiltinScenarios.names)
    func builtinScenariosAgree(_ name: String) throws {
        let scenario = try #require(BuiltinScenarios.named(name))
        for (scheme, results) in try Reductions.underEveryScheme(
            scenario, [Reductions(), Reductions(sourceSets: true)])
        {
            Reductions.expect(results[1], keeps: results[0], "\(scheme)")
        }
    }

    /// Every mutant is caught on the scenarios that catch it without source sets.
    @Test(arguments: CausalSliceTests.cases)
    func everyMutantIsCaught(_ scheme: String, _ name: String) throws {
        let scenario = try #require(BuiltinScenarios.named(name))
        let (sleep, source) = try SchemeCatalog.scheme(named: scheme).accept(Both(scenario: scenario))
        #expect(sleep.violation != nil)
        #expect(source.violation?.kind == sleep.violation?.kind)
    }

    /// Generated scenarios (hunt's grammar, up to three CPUs; those past 200,000 states left
    /// out, for time): the same verdicts and terminal states, under Linux and two mutants.
    /// At a depth bound of 24 too, where the bound cuts subtrees (their summaries unknown) and
    /// states reached with more depth left are explored again.
    @Test(arguments: ["linux", "linux~no-wait", "linux~no-lazy-catchup"], [2_000, 24])
    func generatedScenariosAgree(_ scheme: String, maxDepth: Int) throws {
        let bounds = CheckBounds(maxDepth: maxDepth, maxPreemptions: CheckBounds.standard.maxPreemptions)
        try Reductions.expectGeneratedScenariosAgree(scheme, Reductions(sourceSets: true), bounds: bounds)
    }

    /// The states it saves, on three built-in scenarios (deterministic: one worker).
    @Test func fewerStates() throws {
        let pairs = try Reductions.expectStates(
            Reductions(sourceSets: true),
            [
                ("concurrent-flushes", 16_940, 12_625), ("nested-madvise", 58_194, 40_032),
                ("switch-in-flush", 1_956, 1_686),
            ])
        for (sleep, source) in pairs { #expect(source.usesSourceSets && !sleep.usesSourceSets) }
    }
}
