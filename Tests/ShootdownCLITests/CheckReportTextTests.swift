import ShootdownReport
import Testing

@testable import ShootdownChecker

/// What `shootdown check` prints about its fingerprints: a probability while the estimate is
/// one, the expected collisions once it is not.
@Suite struct CheckReportTextTests {
    static func text(states: Int) -> String {
        var stats = ExplorationStats()
        stats.states = states
        let result = ExhaustiveResult(
            stats: stats, bounds: .standard, usesReduction: true, violation: nil, schedule: nil, terminalStates: [],
            bytesPerState: 14.6)
        return CheckReport(exhaustive: result, scenario: "s", scheme: "linux", counterexample: nil).text(cpus: 4)
    }

    @Test func collisionEstimate() {
        #expect(Self.text(states: 1_000_000).contains("collision probability 0.0018 (n(n-1)/2^49, as TLC)"))
        let large = Self.text(states: 139_526_144)
        #expect(large.contains("n(n-1)/2^49 = 35 pairs of distinct states expected to share a fingerprint"))
        #expect(!large.contains("collision probability"))
    }
}
