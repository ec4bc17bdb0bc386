import ShootdownReport
import Testing

@testable import ShootdownChecker

/// What `shootdown check` prints about its fingerprints: a probability while the estimate is
/// one, the expected collisions once it is not; and, for a search stopped unfinished without
/// the movers, the reductions that would make it smaller.
@Suite struct CheckReportTextTests {
    static func text(states: Int, interrupted: Bool = false, movers: Bool = false) -> String {
        var stats = ExplorationStats()
        stats.states = states
        stats.isIncomplete = interrupted
        stats.wasInterrupted = interrupted
        var result = ExhaustiveResult(
            stats: stats, bounds: .standard, usesReduction: true, violation: nil, schedule: nil, terminalStates: [],
            bytesPerState: 14.6)
        result.fusesMovers = movers
        return CheckReport(exhaustive: result, scenario: "s", scheme: "linux", counterexample: nil).text(cpus: 4)
    }

    @Test func unfinishedSearchNamesTheReductions() {
        let hint = "--movers --dead-entries reach the same verdicts in a fraction of the states"
        #expect(Self.text(states: 4096, interrupted: true).contains(hint))
        #expect(!Self.text(states: 4096, interrupted: true, movers: true).contains(hint))
        #expect(!Self.text(states: 4096).contains(hint))
    }

    @Test func collisionEstimate() {
        #expect(Self.text(states: 1_000_000).contains("collision probability 0.0018 (n(n-1)/2^49, as TLC)"))
        let large = Self.text(states: 139_526_144)
        #expect(large.contains("n(n-1)/2^49 = 35 pairs of distinct states expected to share a fingerprint"))
        #expect(!large.contains("collision probability"))
    }
}
