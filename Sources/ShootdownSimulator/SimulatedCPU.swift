import ShootdownModel

/// The simulator's view of one CPU.
struct SimulatedCPU {
    /// When the CPU is free to start its next action.
    var clock = 0
    /// When it sees its latest acknowledgement as an initiator (`csd_unlock()` plus the
    /// latency).
    var ackReady = 0
    /// When its current thread was switched in (for the time slice).
    var sliceStart = 0
    /// When its `flush_tlb_mm_range()` began, while it runs (while ``readiness`` says it
    /// is flushing; only the CPU's own actions change that).
    var flushStart = 0
    /// When the oldest of its queued IPIs arrives, while it has one (its queue in the run's
    /// `arrivals` is not empty): kept here, so that scheduling the CPU reads no more than its
    /// slot.
    var nextArrival = 0
    /// What it can do (as last read; set through ``CPUTable/setReadiness(_:of:)``).
    var readiness: CPUReadiness
    /// The action it would run next, when it can run one.
    var next = Next.none
    /// ``Location/code`` of its own acknowledgements (``CPUReadiness/waitsOn`` while its
    /// `flush_tlb_mm_range()` waits for them).
    let acksCode: UInt32

    /// What a CPU runs next, without the CPU (the slot's index).
    enum Next: UInt8 {
        case none, interrupt, step, preempt
    }
}
