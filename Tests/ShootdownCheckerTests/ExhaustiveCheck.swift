import ShootdownChecker
import ShootdownModel

/// Checks a scenario exhaustively under whatever scheme the catalog names, as `check` does.
struct ExhaustiveCheck: SchemeVisitor {
    let scenario: Scenario
    func visit<S: Scheme>(_ scheme: S) -> ExhaustiveResult {
        ExhaustiveChecker(scenario: scenario, scheme: scheme).run()
    }
}
