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
        let hint = "without --no-movers and --no-dead-entries the search reaches the same verdicts in a fraction"
        #expect(Self.text(states: 4096, interrupted: true).contains(hint))
        #expect(!Self.text(states: 4096, interrupted: true, movers: true).contains(hint))
        #expect(!Self.text(states: 4096).contains(hint))
    }

    /// 64-bit fingerprints: the search of 139,526,144 states that 48 bits gave 35 colliding
    /// pairs expects none; past about 6 x 10^9 states the estimate is a count of pairs again.
    @Test func collisionEstimate() {
        #expect(Self.text(states: 1_000_000).contains("collision probability 2.7e-08 (n(n-1)/2^65, as TLC)"))
        #expect(
            Self.text(states: 139_526_144).contains(
                "fingerprints: 64-bit, 14.6 bytes/state; collision probability 0.00053"))
        let huge = Self.text(states: 10_000_000_000)
        #expect(huge.contains("n(n-1)/2^65 = 3 pairs of distinct states expected to share a fingerprint: 64 bits"))
        #expect(!huge.contains("collision probability"))
    }
}
