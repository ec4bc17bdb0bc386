import ShootdownModel

/// What checking one generated scenario found.
public struct HuntFinding: Sendable {
    /// The scenario's index in the hunt.
    public var index: Int
    /// The scenario checked.
    public var scenario: Scenario
    /// The scheme the violation and schedule belong to.
    public var scheme: String
    /// The violation, if one was found.
    public var violation: Violation?
    /// The schedule that reaches it.
    public var schedule: [Action]?
    /// States the exhaustive searches stored.
    public var states: Int
    /// Whether the exhaustive search covered every schedule within its bounds.
    public var isComplete: Bool
    /// For a differential hunt, how the two schemes disagree on this scenario.
    public var disagreement: Disagreement?

    /// How two schemes disagree on a scenario.
    public enum Disagreement: Hashable, Sendable {
        /// One scheme (the finding's ``HuntFinding/scheme``) violates, the other passes.
        case verdict(passes: String)
        /// On the round-robin schedule, `flushes` flushes fully and `other` not at all.
        case fullFlushes(flushes: String, other: String)

        /// One line for people.
        public var description: String {
            switch self {
            case .verdict(let passes): "\(passes) passes"
            case .fullFlushes(let flushes, let other):
                "on the round-robin schedule \(flushes) flushes fully where \(other) does not"
            }
        }
    }

    public init(
        index: Int, scenario: Scenario, scheme: String, violation: Violation?, schedule: [Action]?, states: Int,
        isComplete: Bool, disagreement: Disagreement? = nil
    ) {
        self.index = index
        self.scenario = scenario
        self.scheme = scheme
        self.violation = violation
        self.schedule = schedule
        self.states = states
        self.isComplete = isComplete
        self.disagreement = disagreement
    }

    /// Whether the hunt stops here: a violation, or for a differential hunt a disagreement
    /// (where schemes that agree report no violation).
    public var isBug: Bool { violation != nil || disagreement != nil }

    /// Whether this finding is the bug `other` is: the same scheme violating with the same kind,
    /// or the same disagreement. Shrinking keeps a scenario only while it shows the same bug.
    public func isSameBug(as other: HuntFinding) -> Bool {
        isBug && scheme == other.scheme && violation?.kind == other.violation?.kind
            && disagreement == other.disagreement
    }
}
