import ShootdownModel

/// The replay of a trace's requests with the comparisons so far: a value, so that a window of
/// the trace can be replayed again in another order (``TraceValidation``).
struct ValidationRun<S: Scheme> {
    var replayer: TraceReplayer<S>
    let names: [String]
    /// The flushes started and not finished, by initiator, with the receivers attached so far.
    var open: [Int: ObservedFlush] = [:]
    /// The comparisons, by the index of the request that made them (a switch, or a flush's
    /// return).
    var results: [Int: Comparison] = [:]
    /// The receive requests that matched no unfinished flush.
    var unmatched: Set<Int> = []

    /// One compared switch or flush.
    struct Comparison {
        var path: String
        var line: Int
        var cpu: Int
        /// Empty when they agree.
        var differences: [String]
        /// Not compared: before every CPU's first `sched_switch`.
        var isWarmUp = false
        /// Agrees once the event named here is ordered the other way.
        var reordering: String?

        var agrees: Bool { differences.isEmpty }
    }

    init(_ workload: TraceWorkload, scheme: S, hasPCID: Bool? = nil, hasINVLPGB: Bool = false) {
        replayer = TraceReplayer(
            cpus: workload.cpus, names: workload.names, hasPCID: hasPCID ?? workload.hasPCID, hasINVLPGB: hasINVLPGB,
            scheme: scheme)
        names = workload.names
    }

    /// Replays `request`, the `index`th, and compares what it completes.
    mutating func apply(_ request: TraceRequest, at index: Int) {
        switch request {
        case .schedule(let observed):
            let flushed = replayer.schedule(cpu: observed.cpu, mm: observed.mm)
            guard observed.isCompared else { return }
            results[index] = Comparison(
                path: TraceValidation.switchPath, line: observed.line, cpu: observed.cpu,
                differences: flushed == observed.flushed
                    ? []
                    : [
                        "switch to \(observed.mm.map { names[$0] } ?? "a kernel thread"): "
                            + "trace \(observed.flushed ? "flushed" : "no flush"), model \(flushed ? "flushed" : "no flush")"
                    ])
        case .flush(let observed):
            replayer.startFlush(
                cpu: observed.cpu, mm: observed.mm, pages: observed.pages, freedTables: observed.freedTables,
                isBatch: observed.isBatch)
            open[observed.cpu] = observed
        case .sendIPIs(let cpu):
            replayer.sendIPIs(cpu: cpu)
        case .runLocal(let cpu):
            replayer.runLocal(cpu: cpu)
        case .receive(let receive):
            // Whose IPI: the model's pending one from an unfinished flush, else the oldest
            // unfinished multi-CPU flush this CPU has not answered.
            // Where the kernel traces its IPIs (6.5+), a flush that sent this CPU one comes first.
            let modelInitiator = replayer.receive(cpu: receive.cpu)
            let unanswered = open.values.filter {
                $0.observed.path == .multi && $0.cpu != receive.cpu && $0.observed.receivers[receive.cpu] == nil
            }
            let sent = unanswered.filter { $0.sentTo.contains(receive.cpu) }
            let candidates = sent.isEmpty ? unanswered : sent
            let initiator =
                modelInitiator.flatMap { model in candidates.contains { $0.cpu == model } ? model : nil }
                ?? candidates.min { $0.line < $1.line }?.cpu
            guard let initiator else {
                unmatched.insert(index)
                return
            }
            open[initiator]!.observed.targets.append(receive.cpu)
            open[initiator]!.observed.receivers[receive.cpu] = receive.outcome
        case .finishFlush(let cpu):
            guard let model = replayer.finishFlush(cpu: cpu), let observed = open.removeValue(forKey: cpu) else {
                return
            }
            results[index] = Comparison(
                path: observed.caller, line: observed.line, cpu: cpu,
                differences: TraceValidation.differences(trace: observed.observed, model: model),
                isWarmUp: !observed.isCompared)
        }
    }

    /// The comparisons made at `indices` that agree.
    func agreements(in indices: ClosedRange<Int>) -> Int {
        indices.reduce(0) { $0 + (results[$1].map { $0.agrees && !$0.isWarmUp ? 1 : 0 } ?? 0) }
    }
}

extension ValidationRun {
    /// How far before a flush another CPU's event may have happened after it: the trace orders
    /// two CPUs' events by timestamps that drift apart under emulation (tens of microseconds).
    static var window: Double { 100e-6 }

    /// Replays the window of requests before the flush that `finish` (an index into
    /// `workload.requests`) completes, with one event of another CPU moved across the flush's
    /// IPIs; the first order in which the flush agrees, and no comparison in the window that
    /// agreed now disagrees, is returned, with the flush marked as agreeing after that
    /// reordering. `snapshots` holds the run before each recent request.
    static func reordered(
        finish: Int, start: Int, workload: TraceWorkload, snapshots: [Int: ValidationRun], current: ValidationRun
    ) -> ValidationRun? {
        let requests = workload.requests
        let cpu = requests[finish].cpu
        // The window: from the first request within `window` seconds before the flush's start
        // that a snapshot is kept for, to its return.
        var first = start
        while first > 0, snapshots[first - 1] != nil, workload.times[first - 1] >= workload.times[start] - window {
            first -= 1
        }
        guard let base = snapshots[first] else { return nil }
        // The anchors: the flush's own stages and the IPIs taken in the window. Another CPU's
        // event moves to just before or just after one of them.
        let anchors = (first...finish).filter { index in
            index >= start && (requests[index].cpu == cpu || Self.isReceive(requests[index]))
        }
        let before = current.agreements(in: first...finish)
        for moved in first...finish where requests[moved].cpu != cpu {
            for anchor in anchors where requests[anchor].cpu != requests[moved].cpu && anchor != finish {
                // The moved request's CPU keeps its program order.
                let passed = moved < anchor ? (moved + 1)...anchor : anchor...(moved - 1)
                if passed.contains(where: { requests[$0].cpu == requests[moved].cpu }) { continue }
                var order = Array(first...finish)
                order.removeAll { $0 == moved }
                let position = order.firstIndex(of: anchor)!
                order.insert(moved, at: moved < anchor ? position + 1 : position)
                var run = base
                for index in order { run.apply(requests[index], at: index) }
                guard run.results[finish]?.agrees ?? false, run.agreements(in: first...finish) > before else {
                    continue
                }
                run.results[finish]?.reordering =
                    "agrees if \(requests[moved].summary) comes \(moved < anchor ? "after" : "before") "
                    + requests[anchor].summary
                return run
            }
        }
        return nil
    }

    static func isReceive(_ request: TraceRequest) -> Bool {
        if case .receive = request { true } else { false }
    }
}
