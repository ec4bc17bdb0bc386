import ShootdownModel

/// The result of `shootdown run`, in the shape scripts rely on (README.md, "JSON output").
public struct RunReport: Codable, Hashable, Sendable {
    /// A violation as JSON shows it.
    public struct ViolationEntry: Codable, Hashable, Sendable {
        public var kind: String
        public var cpu: Int
        public var page: Int?
        public var mm: String?
        public var thread: String?
        public var step: Int
        public var description: String
        /// A command line that reproduces the violation.
        public var replay: String
        /// The actions that led to it, in order (`step N`, `irq N`, `preempt N`: a CPU number).
        public var schedule: [String]
    }

    public var scenario: String
    public var scheme: String
    public var seed: UInt64?
    public var policy: String
    public var outcome: String
    public var steps: Int
    public var counters: [String: Int]
    public var violations: [ViolationEntry]

    /// The report of a finished run.
    /// - Parameter replay: the command line that reproduces this run.
    public init<S: Scheme>(result: RunResult<S>, seed: UInt64?, policy: String, replay: String) {
        let world = result.world
        scenario = world.scenario.name
        scheme = world.scheme.name
        self.seed = seed
        self.policy = policy
        outcome = result.outcome.rawValue
        steps = result.schedule.count
        counters = Dictionary(uniqueKeysWithValues: result.counters.named.map { ($0.name, $0.value) })
        violations =
            result.violation.map { v in
                [
                    ViolationEntry(
                        kind: v.kind.rawValue, cpu: v.cpu, page: v.page, mm: v.mm.map(world.scenario.mmName),
                        thread: v.thread.map { world.scenario.threads[$0].name }, step: v.step,
                        description: world.describe(v), replay: replay, schedule: result.schedule.map(\.description))
                ]
            } ?? []
    }

    /// Pretty, key-sorted JSON: byte-identical for identical runs.
    public func json() -> String {
        JSONOutput.encode(self)
    }
}
