import ShootdownModel

@testable import ShootdownChecker

/// The exhaustive checker's optional reductions, for the tests that hold a search with them to
/// the one without.
struct Reductions {
    var sourceSets = false
    var movers = false
    var deadEntries = false

    /// The search of `scenario` under `scheme` with these reductions.
    func check<S: Scheme>(_ scenario: Scenario, _ scheme: S, bounds: CheckBounds = .standard) -> ExhaustiveResult {
        var checker = ExhaustiveChecker(scenario: scenario, scheme: scheme, bounds: bounds)
        checker.usesSourceSets = sourceSets
        checker.fusesMovers = movers
        checker.omitsDeadEntries = deadEntries
        return checker.run()
    }

    /// The searches of a scenario with each of several sets of reductions, in order.
    struct Searches: SchemeVisitor {
        let scenario: Scenario
        let reductions: [Reductions]
        func visit<S: Scheme>(_ scheme: S) -> [ExhaustiveResult] {
            reductions.map { $0.check(scenario, scheme) }
        }
    }
}
