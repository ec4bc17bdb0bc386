import Foundation
import ShootdownModel

/// The outcome of an exhaustive exploration.
public struct ExhaustiveResult: Sendable {
    public var stats: ExplorationStats
    public var bounds: CheckBounds
    public var usesReduction: Bool
    /// Whether source sets pruned states too (``ExhaustiveChecker/usesSourceSets``).
    public var usesSourceSets = false
    /// Whether movers ran in one action with the step they move to
    /// (``ExhaustiveChecker/fusesMovers``).
    public var fusesMovers = false
    /// Whether dead TLB entries were left out of the states (``ExhaustiveChecker/omitsDeadEntries``).
    public var omitsDeadEntries = false
    /// Whether sleep sets were asked for and refused because the scheme reads other CPUs' TLB
    /// entries (``ExhaustiveChecker/appliesSleepSets``).
    public var sleepSetsRefused = false
    /// The first violation found, if any.
    public var violation: Violation?
    /// The schedule that reaches it (the DFS path, not yet shrunk).
    public var schedule: [Action]?
    /// Fingerprints of the states with no enabled action (the soundness test compares them).
    public var terminalStates: Set<UInt64>
    /// Bytes of the visited table per stored state.
    public var bytesPerState: Double
    /// Bitstate mode: the table, with its omission estimates (``BitstateTable``).
    public var bitstate: BitstateTable?

    /// TLC's estimate of the probability that two distinct states shared a stored fingerprint:
    /// n(n-1)/2 pairs, each colliding with probability 2^-48.
    public var collisionProbability: Double {
        let n = Double(stats.states)
        return n * (n - 1) / 2 / pow(2, Double(VisitedTable.fingerprintBits))
    }
}
