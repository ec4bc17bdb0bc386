/// What one CPU can do next, and what it waits for: what a scheduler outside the model (the
/// timed simulation) re-reads after each action that may have changed it. Eight bytes, so that
/// reading it after every action costs no copy.
public struct CPUReadiness: Hashable, Sendable {
    /// A pending flush IPI can be taken (``World/canInterrupt(_:)``).
    public var canInterrupt: Bool
    /// The CPU has a step to run (``World/canStep(_:)``).
    public var canStep: Bool
    /// Its thread may be preempted for another (``World/canPreempt(_:)``).
    public var canPreempt: Bool
    /// It is inside `flush_tlb_mm_range()` (the initiator's latency runs from entering to
    /// leaving it).
    public var isFlushing: Bool
    /// The ``Location/code`` of ``waitsOn``, or `UInt32.max` for none.
    package var waitCode: UInt32

    /// The readiness read; `waitsOn` as below.
    public init(canInterrupt: Bool, canStep: Bool, canPreempt: Bool, isFlushing: Bool, waitsOn: Location?) {
        self.canInterrupt = canInterrupt
        self.canStep = canStep
        self.canPreempt = canPreempt
        self.isFlushing = isFlushing
        waitCode = waitsOn?.code ?? .max
    }

    /// The shared state that decides whether the next step can run: a lock (`mmap_lock`, a
    /// PTL), or the CPU's own acknowledgements while `flush_tlb_mm_range()` waits for them.
    public var waitsOn: Location? { waitCode == .max ? nil : Location(code: waitCode) }
}
