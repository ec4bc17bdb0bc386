/// The limits of an exploration, reported with its result.
public struct CheckBounds: Hashable, Sendable, Codable {
    /// Actions along one schedule; deeper states are not expanded.
    public var maxDepth: Int
    /// Preemptions (a thread switched out at an operation boundary while it could go on).
    public var maxPreemptions: Int

    /// The bounds the built-in scenarios are documented to pass at.
    public static let standard = CheckBounds(maxDepth: 2_000, maxPreemptions: 1)

    public init(maxDepth: Int, maxPreemptions: Int) {
        self.maxDepth = maxDepth
        self.maxPreemptions = maxPreemptions
    }
}
