import ShootdownChecker
import ShootdownModel
import Testing

/// Sleep sets must not lose a state: with and without them, the exploration visits the same
/// set of states (sleep sets prune only transitions) and finds the same terminal states.
@Suite struct ReductionSoundnessTests {
    static let small = [
        "local-flush", "remote-ipi", "lazy-return", "switch-away", "freed-tables", "ceiling", "mprotect",
        "asid-recycle", "frame-reuse",
    ]

    /// The states an exhaustive search of `scenario` visits, with sleep sets or without, and its
    /// result (a search past `maxStates` stops incomplete).
    static func visited<S: Scheme>(
        _ scenario: Scenario, _ scheme: S, reduction: Bool, preemptions: Int, maxStates: Int? = nil
    ) -> (Set<UInt64>, ExhaustiveResult) {
        nonisolated(unsafe) var states = Set<UInt64>()
        var checker = ExhaustiveChecker(
            scenario: scenario, scheme: scheme, bounds: CheckBounds(maxDepth: 10_000, maxPreemptions: preemptions),
            usesReduction: reduction)
        checker.maxStates = maxStates
        let result = checker.run(onState: { states.insert($0) })
        return (states, result)
    }

    @Test(arguments: small, [0, 1])
    func reductionVisitsEveryState(_ name: String, preemptions: Int) throws {
        let scenario = try #require(BuiltinScenarios.named(name))
        let (reduced, withPOR) = Self.visited(scenario, LinuxScheme(), reduction: true, preemptions: preemptions)
        let (full, without) = Self.visited(scenario, LinuxScheme(), reduction: false, preemptions: preemptions)
        #expect(reduced == full)
        #expect(withPOR.terminalStates == without.terminalStates)
        #expect(withPOR.stats.transitions <= without.stats.transitions)
        #expect(withPOR.violation == nil && without.violation == nil)
    }

    /// Every scheme on every built-in scenario: the same states with sleep sets as without
    /// (where the scenario passes), or a violation both ways. A footprint that leaves out what a
    /// step reads, or a fingerprint that merges two states, shows here as a state lost: the
    /// loaded_mm fingerprint of `linux-6.14` lost 18 states of `thp-collapse`, and `oracle-sw`,
    /// whose flushes read other CPUs' TLB entries, lost states until it ran without sleep sets.
    @Test(arguments: SchemeCatalog.schemes)
    func everySchemeVisitsEveryState(_ schemeName: String) throws {
        let scenarios = try BuiltinScenarios.names.map { try #require(BuiltinScenarios.named($0)) }
        #expect(try SchemeCatalog.scheme(named: schemeName).accept(SameStates(scenarios: scenarios)) > 20)
    }

    /// The same on generated scenarios (hunt's grammar, up to three CPUs; those past 100,000
    /// states left out, for time), under every scheme.
    @Test(arguments: SchemeCatalog.schemes)
    func everySchemeVisitsEveryGeneratedState(_ schemeName: String) throws {
        let generator = ScenarioGenerator(scope: .init(maxCPUs: 3, maxOperations: 3))
        let scenarios = (0..<UInt64(30)).map { generator.scenario(seed: $0) }
        let check = SameStates(scenarios: scenarios, maxStates: 100_000)
        #expect(try SchemeCatalog.scheme(named: schemeName).accept(check) > 15)
    }

    /// The states each of `scenarios` visits with sleep sets and without, compared: the same
    /// verdict, and where both pass the same states. Answers how many passed both ways (a
    /// search past `maxStates` is left out).
    struct SameStates: SchemeVisitor {
        var scenarios: [Scenario]
        var maxStates: Int?

        func visit<S: Scheme>(_ scheme: S) -> Int {
            var compared = 0
            for scenario in scenarios {
                let (reduced, withSleep) = ReductionSoundnessTests.visited(
                    scenario, scheme, reduction: true, preemptions: 1, maxStates: maxStates)
                let (full, without) = ReductionSoundnessTests.visited(
                    scenario, scheme, reduction: false, preemptions: 1, maxStates: maxStates)
                guard !withSleep.stats.isIncomplete, !without.stats.isIncomplete else { continue }
                let label = "\(scenario.name) under \(scheme.name)"
                #expect((withSleep.violation == nil) == (without.violation == nil), "\(label)")
                guard withSleep.violation == nil, without.violation == nil else { continue }
                let lost = full.subtracting(reduced).count
                #expect(lost == 0 && reduced.count == full.count, "\(label): \(lost) lost")
                compared += 1
            }
            return compared
        }
    }

    @Test(arguments: LinuxScheme.Mutation.allCases)
    func reductionFindsTheSameViolations(_ mutation: LinuxScheme.Mutation) throws {
        for name in Self.small + ["concurrent-flushes", "nested-madvise"] {
            let scenario = try #require(BuiltinScenarios.named(name))
            let bounds = CheckBounds(maxDepth: 10_000, maxPreemptions: 0)
            let scheme = LinuxScheme(mutation: mutation)
            let reduced = ExhaustiveChecker(scenario: scenario, scheme: scheme, bounds: bounds, usesReduction: true)
                .run()
            let full = ExhaustiveChecker(scenario: scenario, scheme: scheme, bounds: bounds, usesReduction: false).run()
            #expect((reduced.violation == nil) == (full.violation == nil), "\(name)")
        }
    }
}
