import ShootdownModel
import Testing

@testable import ShootdownChecker

/// Dead-variable reduction (``ExhaustiveChecker/omitsDeadEntries``): states that differ only in
/// TLB entries no thread will use again are one state. Held to the verdicts, the violations
/// found, and the terminal states (each of the search without it, its dead entries left out).
@Suite struct DeadEntryTests {
    /// The search without it, with it, and with it and movers.
    static let compared = [Reductions(), Reductions(deadEntries: true), Reductions(movers: true, deadEntries: true)]

    /// Every built-in scenario under every scheme: the same verdict and violation kind, never
    /// more states, and under the oracles (which decide flushes by the TLBs' entries) exactly
    /// as many.
    @Test(arguments: BuiltinScenarios.names)
    func builtinScenariosAgree(_ name: String) throws {
        let scenario = try #require(BuiltinScenarios.named(name))
        for (scheme, results) in try Reductions.underEveryScheme(scenario, Self.compared) {
            for reduced in results.dropFirst() {
                Reductions.expect(reduced, keeps: results[0], sameTerminalStates: false, "\(scheme)")
            }
            if scheme.hasPrefix("oracle") { #expect(results[1].stats.states == results[0].stats.states, "\(scheme)") }
        }
    }

    /// Every mutant is caught on the scenarios that catch it without the reduction.
    @Test(arguments: CausalSliceTests.cases)
    func everyMutantIsCaught(_ scheme: String, _ name: String) throws {
        let scenario = try #require(BuiltinScenarios.named(name))
        let results = try SchemeCatalog.scheme(named: scheme).accept(
            Reductions.Searches(scenario: scenario, reductions: Self.compared))
        let kind = try #require(results[0].violation?.kind)
        for reduced in results.dropFirst() { #expect(reduced.violation?.kind == kind) }
    }

    /// The terminal states: a search that takes states with the same fingerprint without dead
    /// entries as one (breadth first, over whole worlds, no other reduction) ends in the same
    /// states as one that tells them apart, once their dead entries are left out; under Linux,
    /// on every built-in scenario without a violation, and on generated scenarios under two
    /// schemes.
    @Test func terminalStatesAgree() throws {
        var compared = 0
        for name in BuiltinScenarios.names {
            let scenario = try #require(BuiltinScenarios.named(name))
            if compare(scenario, LinuxScheme()) { compared += 1 }
        }
        let generator = ScenarioGenerator(scope: .init(maxCPUs: 3, maxOperations: 3))
        for seed in 0..<UInt64(30) {
            let scenario = generator.scenario(seed: seed)
            if compare(scenario, LinuxScheme()) { compared += 1 }
            if compare(scenario, RingScheme()) { compared += 1 }
        }
        #expect(compared >= 60)
    }

    /// ``terminalStatesAgree()`` on one scenario; `false` when it was left out (a violation, or
    /// more than 100,000 states).
    func compare<S: Scheme>(_ scenario: Scenario, _ scheme: S) -> Bool {
        guard let full = terminalStates(scenario, scheme, merging: false),
            let merged = terminalStates(scenario, scheme, merging: true)
        else { return false }
        #expect(full == merged)
        return true
    }

    /// The terminal states (fingerprints without dead entries) of a depth-first search that
    /// stores states by their whole fingerprint, or `merging` them by the one without dead
    /// entries; `nil` at a violation or past 100,000 states.
    func terminalStates<S: Scheme>(_ scenario: Scenario, _ scheme: S, merging: Bool) -> Set<UInt64>? {
        var queue = [World(scenario: scenario, scheme: scheme)]
        var seen = Set<UInt64>()
        var terminal = Set<UInt64>()
        var actions: [Action] = []
        let accessed = AccessedPages(scenario)
        while let world = queue.popLast() {
            var omitted = StableHasher()
            world.fingerprint(into: &omitted, omitting: accessed)
            var full = StableHasher()
            world.fingerprint(into: &full)
            guard seen.insert(merging ? omitted.value : full.value).inserted else { continue }
            if world.hasViolation || seen.count > 100_000 { return nil }
            actions.removeAll()
            world.enabledActions(into: &actions)
            if actions.isEmpty { terminal.insert(omitted.value) }
            for action in actions {
                var next = world
                next.performEnabled(action)
                queue.append(next)
            }
        }
        return terminal
    }

    /// The states it saves, on three built-in scenarios (deterministic: one worker).
    @Test func fewerStates() throws {
        try Reductions.expectStates(
            Reductions(deadEntries: true),
            [("numa-migrate", 29_614, 16_499), ("nested-madvise", 58_194, 32_348), ("freed-table-use", 300, 230)])
    }
}
