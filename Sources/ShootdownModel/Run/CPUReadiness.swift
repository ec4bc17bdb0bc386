/// What one CPU can do next, and what it waits for: what a scheduler outside the model (the
/// timed simulation) re-reads after each action that may have changed it. One word, so that
/// storing and comparing it after every action is one instruction each.
public struct CPUReadiness: Hashable, Sendable {
    /// The flags in the low bits, ``waitCode`` in the high 32.
    @usableFromInline var bits: UInt64

    @usableFromInline static let canInterruptBit: UInt64 = 1
    @usableFromInline static let canStepBit: UInt64 = 2
    @usableFromInline static let canPreemptBit: UInt64 = 4
    @usableFromInline static let isFlushingBit: UInt64 = 8

    /// A pending flush IPI can be taken (``World/canInterrupt(_:)``).
    @inlinable public var canInterrupt: Bool {
        get { self[Self.canInterruptBit] }
        set { self[Self.canInterruptBit] = newValue }
    }
    /// The CPU has a step to run (``World/canStep(_:)``).
    @inlinable public var canStep: Bool {
        get { self[Self.canStepBit] }
        set { self[Self.canStepBit] = newValue }
    }
    /// Its thread may be preempted for another (``World/canPreempt(_:)``).
    @inlinable public var canPreempt: Bool { self[Self.canPreemptBit] }
    /// It is inside `flush_tlb_mm_range()` (the initiator's latency runs from entering to
    /// leaving it).
    @inlinable public var isFlushing: Bool { self[Self.isFlushingBit] }

    /// One flag of ``bits``.
    @inlinable subscript(bit: UInt64) -> Bool {
        get { bits & bit != 0 }
        set { bits = newValue ? bits | bit : bits & ~bit }
    }

    /// The ``Location/code`` of ``waitsOn``, or `UInt32.max` for none.
    @inlinable package var waitCode: UInt32 { UInt32(truncatingIfNeeded: bits >> 32) }

    /// The readiness read; `waitsOn` as below.
    public init(canInterrupt: Bool, canStep: Bool, canPreempt: Bool, isFlushing: Bool, waitsOn: Location?) {
        bits = UInt64(waitsOn?.code ?? .max) << 32
        if canInterrupt { bits |= Self.canInterruptBit }
        if canStep { bits |= Self.canStepBit }
        if canPreempt { bits |= Self.canPreemptBit }
        if isFlushing { bits |= Self.isFlushingBit }
    }

    /// The shared state that decides whether the next step can run: a lock (`mmap_lock`, a
    /// PTL), or the CPU's own acknowledgements while `flush_tlb_mm_range()` waits for them.
    public var waitsOn: Location? { waitCode == .max ? nil : Location(code: waitCode) }
}
