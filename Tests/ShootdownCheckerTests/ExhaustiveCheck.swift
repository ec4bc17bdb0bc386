import ShootdownChecker
import ShootdownModel
import Testing

/// Checks a scenario exhaustively under whatever scheme the catalog names, as `check` does.
struct ExhaustiveCheck: SchemeVisitor {
    let scenario: Scenario
    func visit<S: Scheme>(_ scheme: S) -> ExhaustiveResult {
        ExhaustiveChecker(scenario: scenario, scheme: scheme).run()
    }
}

/// A kernel-version mutant caught on a built-in scenario (`switch-in-flush` for the CVEs) as its
/// bug describes it: the exhaustive checker finds cpu1 using a stale translation, the
/// counterexample shrinks to at most `maxSteps` actions and replays, and the fixed kernel runs
/// the same schedule safely. Returns the shrunk schedule.
@discardableResult
func expectCaught<S: KernelVersionScheme>(
    _ mutant: S, on name: String = "switch-in-flush", shrunkTo maxSteps: Int = 30
) throws -> [Action] {
    let scenario = try #require(BuiltinScenarios.named(name))
    let result = ExhaustiveChecker(scenario: scenario, scheme: mutant).run()
    let schedule = try #require(result.schedule)
    let violation = try #require(result.violation)
    #expect(violation.kind == .staleTranslation)
    #expect(violation.cpu == 1)
    let shrunk = Shrinker(scenario: scenario, scheme: mutant).shrink(schedule)
    #expect(shrunk.count <= maxSteps)
    #expect(Runner(scenario: scenario, scheme: mutant).run(.scripted(shrunk)).violation?.kind == violation.kind)
    #expect(Runner(scenario: scenario, scheme: S(mutation: nil)).run(.scripted(shrunk)).violation == nil)
    return shrunk
}
