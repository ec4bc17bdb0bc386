import ShootdownChecker
import ShootdownModel
import Testing

/// The depth bound cuts schedules, never states: every state within `maxDepth` actions of boot
/// is visited, though depth-first search may first store it deeper, at the bound, where it is
/// not expanded (it is explored again when reached with more depth left, as SPIN's `-DREACH`).
@Suite struct DepthBoundTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var scenario: String
        var maxDepth: Int
        var testDescription: String { "\(scenario) within \(maxDepth)" }
    }

    static let cases = [
        Case(scenario: "remote-ipi", maxDepth: 12), Case(scenario: "lazy-return", maxDepth: 15),
        Case(scenario: "switch-away", maxDepth: 14), Case(scenario: "freed-tables", maxDepth: 18),
        Case(scenario: "seed-thread", maxDepth: 16),
    ]

    @Test(arguments: cases, [false, true])
    func everyStateWithinTheBoundIsVisited(_ bound: Case, reduction: Bool) throws {
        let scenario = try #require(BuiltinScenarios.named(bound.scenario))
        let bounds = CheckBounds(maxDepth: bound.maxDepth, maxPreemptions: 1)
        var within: Set<UInt64> = []
        StateSpace(scenario: scenario, scheme: LinuxScheme(), bounds: bounds).visitStates { node in
            within.insert(StateSpace<LinuxScheme>.key(node.world, preemptions: node.preemptions))
        }
        // The checker reports the states it reaches from boot; the boot state is its root.
        nonisolated(unsafe) var visited: Set<UInt64> = [
            StateSpace<LinuxScheme>.key(World(scenario: scenario, scheme: LinuxScheme()), preemptions: 0)
        ]
        let checker = ExhaustiveChecker(
            scenario: scenario, scheme: LinuxScheme(), bounds: bounds, usesReduction: reduction)
        let result = checker.run(onState: { visited.insert($0) })
        #expect(result.stats.depthBoundHits > 0)
        let missed = within.subtracting(visited)
        #expect(missed.isEmpty, "\(missed.count) states within the bound missed")
    }
}
