import ShootdownModel
import Testing

/// The smallest scope is enumerated whole and without repeats: every pair of scripts is, up to
/// swapping the threads (with their CPUs) or the pages, exactly one listed scenario.
@Suite struct SmallScopeTests {
    @Test func everyScenarioOnceUpToRenaming() {
        let scope = SmallScope()
        var seen: Set<[[Operation]]> = []
        var overlaps = 0
        for n in 0..<scope.count {
            let scenario = scope.scenario(n)
            let a = scenario.threads[0].script
            let b = scenario.threads[1].script
            let swap = { (script: [Operation]) in script.map(SmallScope.swappingPages) }
            let renamings: Set<[[Operation]]> = [[a, b], [b, a], [swap(a), swap(b)], [swap(b), swap(a)]]
            if !seen.isDisjoint(with: renamings) { overlaps += 1 }
            seen.formUnion(renamings)
        }
        #expect(overlaps == 0)
        // 22 operations: 22 + 22 * 22 scripts of one or two, and every ordered pair is covered.
        #expect(seen.count == 506 * 506)
        #expect(scope.count == 64_703)
    }

    @Test func scenariosAreValidAndRun() throws {
        let scope = SmallScope()
        for n in stride(from: 0, to: scope.count, by: 97) {
            let scenario = scope.scenario(n)
            var parsed = try ScenarioFormat.parse(ScenarioFormat.render(scenario), source: scenario.name)
            parsed.summary = scenario.summary
            #expect(parsed == scenario)
            let result = Runner(scenario: scenario, scheme: LinuxScheme()).run(.random(seed: UInt64(n)))
            #expect(result.outcome == .completed, "small-\(n)")
        }
    }
}
