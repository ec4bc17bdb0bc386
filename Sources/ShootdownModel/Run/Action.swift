/// One scheduling choice: what a CPU does next. A schedule is a sequence of actions.
public enum Action: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The CPU runs its next step (kernel path, user operation, or a context switch at an
    /// operation boundary when its thread blocked, slept or finished).
    case step(cpu: Int)
    /// The CPU takes the oldest pending flush IPI.
    case interrupt(cpu: Int)
    /// The scheduler preempts the CPU's thread at an operation boundary for another of its threads.
    case preempt(cpu: Int)

    /// The CPU the action runs on.
    public var cpu: Int {
        switch self {
        case .step(let cpu), .interrupt(let cpu), .preempt(let cpu): cpu
        }
    }

    public var description: String {
        switch self {
        case .step(let cpu): "step \(cpu)"
        case .interrupt(let cpu): "irq \(cpu)"
        case .preempt(let cpu): "preempt \(cpu)"
        }
    }

    /// Parses the ``description`` form: `step N`, `irq N` or `preempt N`.
    public init?(_ text: String) {
        let words = text.split(separator: " ")
        guard words.count == 2, let cpu = Int(words[1]), cpu >= 0 else { return nil }
        switch words[0] {
        case "step": self = .step(cpu: cpu)
        case "irq": self = .interrupt(cpu: cpu)
        case "preempt": self = .preempt(cpu: cpu)
        default: return nil
        }
    }
}

/// One line of a timeline: what a CPU did at a step.
public struct TraceEvent: Hashable, Sendable {
    /// The step number (1-based).
    public var step: Int
    public var cpu: Int
    /// The kernel function, or `user` for user mode.
    public var function: String
    /// What happened, in the kernel's words.
    public var detail: String

    public init(step: Int, cpu: Int, function: String, detail: String) {
        self.step = step
        self.cpu = cpu
        self.function = function
        self.detail = detail
    }
}
