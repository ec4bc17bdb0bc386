import ShootdownModel

/// A set of actions as a bit mask: three bits per CPU (step, interrupt, preempt), so up to 5
/// CPUs (the visited table keeps 16 bits of sleep set per state).
struct ActionSet: Hashable, Sendable {
    var bits: UInt16 = 0

    static let maxCPUs = 5

    @inline(__always)
    static func bit(_ action: Action) -> UInt16 {
        switch action {
        case .step(let cpu): 1 << UInt16(3 * cpu)
        case .interrupt(let cpu): 1 << UInt16(3 * cpu + 1)
        case .preempt(let cpu): 1 << UInt16(3 * cpu + 2)
        }
    }

    /// The index of `action`'s bit (0 to 14): where a table of one slot an action keeps it.
    @inline(__always)
    static func slot(_ action: Action) -> Int { bit(action).trailingZeroBitCount }

    /// The action whose bit has index `slot` (``slot(_:)`` backwards).
    @inline(__always)
    static func action(slot: Int) -> Action {
        let cpu = slot / 3
        switch slot % 3 {
        case 0: return .step(cpu: cpu)
        case 1: return .interrupt(cpu: cpu)
        default: return .preempt(cpu: cpu)
        }
    }

    /// How many slots there are: one an action of the most CPUs.
    static let slots = 3 * maxCPUs

    /// The bits of every preemption.
    static let preemptions: UInt16 = 0b100_100_100_100_100

    /// The bits of every action of `cpu`.
    @inline(__always)
    static func cpuBits(_ cpu: Int) -> UInt16 { 0b111 << UInt16(3 * cpu) }

    @inline(__always) func contains(_ action: Action) -> Bool { bits & Self.bit(action) != 0 }
    @inline(__always) mutating func insert(_ action: Action) { bits |= Self.bit(action) }
}
