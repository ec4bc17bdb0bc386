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

    func visited(_ scenario: Scenario, _ scheme: LinuxScheme, reduction: Bool, preemptions: Int) -> (
        Set<UInt64>, ExhaustiveResult
    ) {
        nonisolated(unsafe) var states = Set<UInt64>()
        let checker = ExhaustiveChecker(
            scenario: scenario, scheme: scheme, bounds: CheckBounds(maxDepth: 10_000, maxPreemptions: preemptions),
            usesReduction: reduction)
        let result = checker.run(onState: { states.insert($0) })
        return (states, result)
    }

    @Test(arguments: small, [0, 1])
    func reductionVisitsEveryState(_ name: String, preemptions: Int) throws {
        let scenario = try #require(BuiltinScenarios.named(name))
        let (reduced, withPOR) = visited(scenario, LinuxScheme(), reduction: true, preemptions: preemptions)
        let (full, without) = visited(scenario, LinuxScheme(), reduction: false, preemptions: preemptions)
        #expect(reduced == full)
        #expect(withPOR.terminalStates == without.terminalStates)
        #expect(withPOR.stats.transitions <= without.stats.transitions)
        #expect(withPOR.violation == nil && without.violation == nil)
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
