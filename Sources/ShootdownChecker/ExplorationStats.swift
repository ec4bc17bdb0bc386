/// What an exploration covered so far.
public struct ExplorationStats: Hashable, Sendable, Codable {
    /// Distinct states stored.
    public var states = 0
    /// Actions executed along explored edges.
    public var transitions = 0
    /// States reached again with a sleep set that woke actions up.
    public var revisits = 0
    /// The longest schedule explored.
    public var maxDepth = 0
    /// The current depth (for progress lines).
    public var depth = 0
    /// States not expanded because of the depth bound.
    public var depthBoundHits = 0
    /// Deadlocks seen.
    public var deadlocks = 0
    /// Whether the search stopped at its state budget or memory bound before it had explored
    /// every schedule.
    public var isIncomplete = false
    /// Whether it stopped at its memory bound (``ExhaustiveChecker/maxMemory``).
    public var hitMemoryBound = false
    /// Whether it was asked to stop (``ExhaustiveChecker/shouldStop``: Ctrl-C).
    public var wasInterrupted = false
    /// Bytes the visited states take (for progress lines).
    public var bytes = 0
    /// For progress lines: how far the search is through its tree, estimated from its position
    /// (``ExhaustiveChecker/treePosition(_:)``); `nil` where not estimated.
    public var fractionDone: Double?
    /// Wall-clock seconds so far.
    public var seconds = 0.0

    public var statesPerSecond: Double { seconds > 0 ? Double(states) / seconds : 0 }

    /// Adds `other`'s figures, as of a search run beside this one: counts summed, the deepest
    /// depth and the longest time kept, stopped if either stopped.
    mutating func add(_ other: ExplorationStats) {
        states += other.states
        transitions += other.transitions
        revisits += other.revisits
        depthBoundHits += other.depthBoundHits
        deadlocks += other.deadlocks
        maxDepth = max(maxDepth, other.maxDepth)
        seconds = max(seconds, other.seconds)
        isIncomplete = isIncomplete || other.isIncomplete
        hitMemoryBound = hitMemoryBound || other.hitMemoryBound
        wasInterrupted = wasInterrupted || other.wasInterrupted
    }
}
