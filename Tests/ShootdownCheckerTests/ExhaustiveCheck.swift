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

/// A kernel-version mutant caught on `switch-in-flush` as its CVE describes it: the exhaustive
/// checker finds cpu1 using a stale translation, the counterexample shrinks to at most 30
/// actions and replays, and the fixed kernel runs the same schedule safely. Returns the shrunk
/// schedule.
@discardableResult
func expectCaughtOnSwitchInFlush<S: KernelVersionScheme>(_ mutant: S) throws -> [Action] {
    let scenario = try #require(BuiltinScenarios.named("switch-in-flush"))
    let result = ExhaustiveChecker(scenario: scenario, scheme: mutant).run()
    let schedule = try #require(result.schedule)
    let violation = try #require(result.violation)
    #expect(violation.kind == .staleTranslation)
    #expect(violation.cpu == 1)
    let shrunk = Shrinker(scenario: scenario, scheme: mutant).shrink(schedule)
    #expect(shrunk.count <= 30)
    #expect(Runner(scenario: scenario, scheme: mutant).run(.scripted(shrunk)).violation?.kind == violation.kind)
    #expect(Runner(scenario: scenario, scheme: S(mutation: nil)).run(.scripted(shrunk)).violation == nil)
    return shrunk
}
