import ShootdownChecker
import ShootdownModel
import Testing

/// The progress an exhaustive search reports every 4096 states.
@Suite struct ProgressTests {
    /// The estimated fraction done is the search's position in its tree: between 0 and 1, and it
    /// never goes back as the depth-first search moves on; the states counted only grow.
    @Test func theTreePositionNeverGoesBack() throws {
        let scenario = try #require(BuiltinScenarios.named("nested-madvise"))
        nonisolated(unsafe) var seen: [ExplorationStats] = []
        _ = ExhaustiveChecker(scenario: scenario, scheme: LinuxScheme()).run(progress: { seen.append($0) })
        #expect(seen.count == 58_194 / 4096)
        let fractions = seen.compactMap(\.fractionDone)
        #expect(fractions.count == seen.count)
        #expect(fractions.allSatisfy { (0...1).contains($0) })
        #expect(zip(fractions, fractions.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(fractions.last! > fractions.first!)
        #expect(zip(seen, seen.dropFirst()).allSatisfy { $0.states < $1.states })
    }
}
