import ShootdownModel

/// The counters an action's price depends on, the linear parts already priced: the price of
/// an action is a function of the differences of two of these, so the simulator keeps the one
/// after the last action instead of a copy of every counter. Totals wrap (`&+`, `&*`): their
/// differences, all the simulator uses, stay exact, and the per-action arithmetic skips the
/// overflow checks.
struct PricedTotals {
    /// Cycles of all flushing so far: INVLPGs, full flushes, handler runs, IPIs queued, ring
    /// slots read, INVLPGBs and TLBSYNCs.
    var flush: Int
    var fills: Int
    var hits: Int
    var l2Hits: Int
    /// Cycles of page faults and context switches so far.
    var faultsAndSwitches: Int
    var contextSwitches: Int

    @inline(__always)
    init(_ c: borrowing Counters, _ costs: CostModel) {
        let flushRuns = c.rangedFlushes &+ c.fullFlushesIPI &+ c.fullFlushesLocal
        flush =
            c.pagesInvalidated &* costs.invlpg &+ c.fullFlushes &* costs.fullFlush &+ flushRuns &* costs.flushSetup
            &+ c.ipisSent &* costs.ipiSend &+ c.ringSlotsRead &* costs.ringSlotRead &+ c.invlpgbs &* costs.invlpgb
            &+ c.tlbsyncs &* costs.tlbsync
        fills = c.tlbFills
        hits = c.tlbHits
        l2Hits = c.tlbL2Hits
        faultsAndSwitches = c.pageFaults &* costs.pageFault &+ c.contextSwitches &* costs.contextSwitch
        contextSwitches = c.contextSwitches
    }
}
