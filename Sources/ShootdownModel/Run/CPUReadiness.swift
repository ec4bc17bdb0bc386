/// What one CPU can do next, and what it waits for: what a scheduler outside the model (the
/// timed simulation) re-reads after each action that may have changed it.
public struct CPUReadiness: Hashable, Sendable {
    /// A pending flush IPI can be taken (``World/canInterrupt(_:)``).
    public var canInterrupt: Bool
    /// The CPU has a step to run (``World/canStep(_:)``).
    public var canStep: Bool
    /// Its thread may be preempted for another (``World/canPreempt(_:)``).
    public var canPreempt: Bool
    /// The shared state that decides whether the next step can run: a lock (`mmap_lock`, a
    /// PTL), or the CPU's own acknowledgements while `flush_tlb_mm_range()` waits for them.
    public var waitsOn: Location?
}
