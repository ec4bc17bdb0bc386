import ShootdownModel

/// `shootdown trace whatif`: a trace's context switches and flush requests (``TraceWorkload``)
/// replayed under another scheme, on the traced machine or one with PCID or INVLPGB, in the
/// trace's order: what that scheme would have done with the same workload, as ``Counters``.
///
/// The trace has no user accesses, so the replay's TLBs stay empty: the counters say how the
/// schemes flush (IPIs, full and ranged flushes, pages invalidated, ring slots read, flushes on
/// switches), not what the flushes cost in refills.
public enum TraceWhatIf {
    /// The counters of `workload` replayed under `scheme`; `hasPCID` `nil`: as traced.
    public static func counters<S: Scheme>(
        _ workload: TraceWorkload, scheme: S, hasPCID: Bool? = nil, hasINVLPGB: Bool = false
    ) -> Counters {
        var run = ValidationRun(workload, scheme: scheme, hasPCID: hasPCID, hasINVLPGB: hasINVLPGB)
        for (index, request) in workload.requests.enumerated() { run.apply(request, at: index) }
        return run.replayer.world.counters
    }

    /// The flush requests in `workload`.
    public static func flushRequests(_ workload: TraceWorkload) -> Int {
        workload.requests.reduce(0) { count, request in
            if case .flush = request { count + 1 } else { count }
        }
    }
}
