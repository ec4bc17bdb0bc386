import ShootdownModel
import Testing

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

    /// Expects `reduced` to keep what `plain` found: the violation's kind; when it passed,
    /// never more states and, if `sameTerminalStates`, the same terminal states.
    static func expect(
        _ reduced: ExhaustiveResult, keeps plain: ExhaustiveResult, sameTerminalStates: Bool = true,
        _ comment: Comment, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(reduced.violation?.kind == plain.violation?.kind, comment, sourceLocation: sourceLocation)
        guard plain.violation == nil else { return }
        #expect(reduced.stats.states <= plain.stats.states, comment, sourceLocation: sourceLocation)
        if sameTerminalStates {
            #expect(reduced.terminalStates == plain.terminalStates, comment, sourceLocation: sourceLocation)
        }
    }

    /// The searches of `scenario` under every scheme of the catalog, each with every set of
    /// `reductions`, in order.
    static func underEveryScheme(
        _ scenario: Scenario, _ reductions: [Reductions]
    ) throws -> [(scheme: String, results: [ExhaustiveResult])] {
        try SchemeCatalog.schemes.map {
            ($0, try SchemeCatalog.scheme(named: $0).accept(Searches(scenario: scenario, reductions: reductions)))
        }
    }

    /// The searches of a scenario with each of several sets of reductions, in order.
    struct Searches: SchemeVisitor {
        let scenario: Scenario
        let reductions: [Reductions]
        func visit<S: Scheme>(_ scheme: S) -> [ExhaustiveResult] {
            reductions.map { $0.check(scenario, scheme) }
        }
    }

    /// The search without reductions and the one with `reduced`, of a scenario whose search
    /// without them stays within `maxStates`; `nil` past it.
    struct Bounded: SchemeVisitor {
        let scenario: Scenario
        var bounds = CheckBounds.standard
        let maxStates: Int
        let reduced: Reductions
        func visit<S: Scheme>(_ scheme: S) -> (ExhaustiveResult, ExhaustiveResult)? {
            var checker = ExhaustiveChecker(scenario: scenario, scheme: scheme, bounds: bounds)
            checker.maxStates = maxStates
            let plain = checker.run()
            if plain.stats.isIncomplete { return nil }
            return (plain, reduced.check(scenario, scheme, bounds: bounds))
        }
    }

    /// Expects, for each `(scenario, states, reduced states)`, the Linux search of that built-in
    /// scenario to store `states` without reductions and `reduced states` with `reduced`
    /// (deterministic: one worker); answers each pair of results, for further expectations.
    @discardableResult
    static func expectStates(
        _ reduced: Reductions, _ cases: [(String, Int, Int)], sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [(plain: ExhaustiveResult, reduced: ExhaustiveResult)] {
        try cases.map { name, plainStates, reducedStates in
            let scenario = try #require(BuiltinScenarios.named(name), sourceLocation: sourceLocation)
            let plain = Reductions().check(scenario, LinuxScheme())
            let fewer = reduced.check(scenario, LinuxScheme())
            #expect(plain.stats.states == plainStates, "\(name)", sourceLocation: sourceLocation)
            #expect(fewer.stats.states == reducedStates, "\(name)", sourceLocation: sourceLocation)
            return (plain, fewer)
        }
    }

    /// Expects the searches without reductions and with `reduced` of 40 generated scenarios
    /// (hunt's grammar, up to three CPUs; those past 200,000 states left out, for time) under
    /// `scheme` to agree: the same violation kind, and the same terminal states when they pass;
    /// at least 35 compared.
    static func expectGeneratedScenariosAgree(
        _ scheme: String, _ reduced: Reductions, bounds: CheckBounds = .standard,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let generator = ScenarioGenerator(scope: .init(maxCPUs: 3, maxOperations: 3))
        let parsed = try SchemeCatalog.scheme(named: scheme)
        var compared = 0
        for seed in 0..<UInt64(40) {
            let both = try parsed.accept(
                Bounded(scenario: generator.scenario(seed: seed), bounds: bounds, maxStates: 200_000, reduced: reduced))
            guard let (plain, fewer) = both else { continue }
            compared += 1
            expect(fewer, keeps: plain, "seed \(seed)", sourceLocation: sourceLocation)
        }
        #expect(compared >= 35, sourceLocation: sourceLocation)
    }
}
