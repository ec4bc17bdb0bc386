import ShootdownModel

/// What a timed simulation measured.
public struct SimulationResult: Hashable, Sendable {
    /// The model's counters at the end.
    public var counters = Counters()
    /// Simulated time: the latest CPU clock, in cycles.
    public var cycles = 0
    /// Cycles spent invalidating: INVLPGs, full flushes, handler runs, IPIs queued, ring reads.
    public var flushCycles = 0
    /// Cycles spent walking page tables to fill the TLB.
    public var refillCycles = 0
    /// Cycles from entering to leaving `flush_tlb_mm_range()` on the initiator, sorted.
    public var flushLatencies: [Int] = []
    /// Actions simulated.
    public var events = 0
    /// The first violation, described.
    public var violation: String?
    /// The run ended with threads that could never finish.
    public var isStuck = false

    /// The `p`-th percentile (0...100) of the initiator latencies, nearest rank; 0 when none.
    public func latency(percentile p: Int) -> Int {
        guard !flushLatencies.isEmpty else { return 0 }
        let rank = (p * flushLatencies.count + 99) / 100
        return flushLatencies[max(0, min(flushLatencies.count - 1, rank - 1))]
    }
}
