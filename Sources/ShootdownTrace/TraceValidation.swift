import ShootdownModel

/// `shootdown trace validate`: a trace's switches and flush requests replayed through the
/// model (``TraceReplayer``) in the trace's order, and compared one by one with what the traced
/// kernel did: for a flush, `flush_tlb_mm_range()`'s path (`flush_tlb_multi()`, local only, or
/// nothing), the CPUs that ran `flush_tlb_func()` for it, each one's outcome (ranged N, full,
/// early return, left lazy mode) and the initiator's own; for a switch, whether it flushed.
public struct TraceValidation: Codable, Sendable {
    /// The scheme the trace was replayed under.
    public var scheme: String
    public var cpus: Int
    public var addressSpaces: Int
    public var pcid: Bool
    /// Agreement by initiating path (`flush_tlb_mm_range`'s caller), then `switch_mm_irqs_off`
    /// for the context switches.
    public var groups: [Group]
    /// Every disagreement, in trace order.
    public var disagreements: [Disagreement]
    /// The flushes that agree once one event of another CPU, within the flush or up to
    /// 100 µs before it, is ordered the other way across the flush's IPIs: the trace orders two
    /// CPUs' events only by timestamps, which drift apart under emulation.
    public var reorderings: [Reordering]
    /// Flushes and switches replayed but not compared (before every CPU's first `sched_switch`).
    public var warmUp: Int
    /// `/proc/vmstat`'s TLB counters over the whole trace: as the traced kernel counted them
    /// (``TraceStats/vmstat``), and as the replay did.
    public var vmstat: [VMStatCounter]
    /// What the reconstruction left out, and why (``TraceWorkload/skipped``).
    public var skipped: [String: Int]
    /// What the trace cannot show and was assumed.
    public var assumptions: [String]
    /// The trace line asked about (`--at`), and the model's steps for the flush or switch there:
    /// from the flush's `flush_tlb_mm_range` to its return, every CPU's, as replayed in the
    /// trace's order.
    public var shownLine: Int?
    public var steps: [Step] = []

    /// One step of a kernel path in the replay.
    public struct Step: Codable, Sendable {
        public var cpu: Int
        /// The kernel function.
        public var function: String
        public var detail: String
    }

    /// One initiating path's figures.
    public struct Group: Codable, Sendable {
        public var path: String
        public var compared: Int
        /// Agreeing, ``reordered`` included.
        public var agreeing: Int
        /// Agreeing only once one event of another CPU is ordered the other way (``reorderings``).
        public var reordered = 0
        /// `agreeing / compared`, 0 when nothing was compared.
        public var fraction: Double { compared == 0 ? 0 : Double(agreeing) / Double(compared) }
    }

    /// One `nr_tlb_*` counter, traced and replayed.
    public struct VMStatCounter: Codable, Sendable {
        public var name: String
        public var trace: Int
        public var model: Int
    }

    /// A flush that agrees once another CPU's event is ordered the other way.
    public struct Reordering: Codable, Sendable {
        public var line: Int
        public var path: String
        public var cpu: Int
        /// Which event, and which way.
        public var order: String
    }

    /// A flush or switch on which the model and the trace differ.
    public struct Disagreement: Codable, Sendable {
        /// The trace line of the `flush_tlb_mm_range` call or the `sched_switch`.
        public var line: Int
        public var path: String
        public var cpu: Int
        /// What differs, each as `what: trace X, model Y`.
        public var differences: [String]
    }

    /// The flush requests compared and agreeing, over every initiating path.
    public var flushes: (compared: Int, agreeing: Int) {
        groups.filter { $0.path != Self.switchPath }.reduce((0, 0)) { ($0.0 + $1.compared, $0.1 + $1.agreeing) }
    }

    /// The group of context switches.
    public static let switchPath = "switch_mm_irqs_off"

    /// Replays `workload` under `scheme` and compares; with `line`, records the model's steps for
    /// the flush or switch the trace shows at that line (``steps``).
    public init<S: Scheme>(_ workload: TraceWorkload, scheme: S, showing line: Int? = nil) {
        self.scheme = scheme.name
        cpus = workload.cpus
        addressSpaces = workload.names.count
        pcid = workload.hasPCID
        skipped = workload.skipped
        assumptions = workload.assumptions
        disagreements = []
        reorderings = []
        warmUp = 0
        var run = ValidationRun(workload, scheme: scheme)
        // The run before each of the last requests, for the reorderings.
        var snapshots: [Int: ValidationRun<S>] = [:]
        var starts: [Int: Int] = [:]
        shownLine = line
        var watching: Int?  // the CPU whose flush at `line` is being watched
        for (index, request) in workload.requests.enumerated() {
            snapshots[index] = run
            snapshots[index - Self.keptSnapshots] = nil
            if case .flush(let flush) = request { starts[flush.cpu] = index }
            let shows = Self.starts(request, at: line)
            if shows { watching = request.cpu }
            let recorded = run.replayer.timeline.count
            run.replayer.isTracing = watching != nil
            run.apply(request, at: index)
            if watching != nil {
                steps += run.replayer.timeline[recorded...].map {
                    Step(cpu: $0.cpu, function: $0.function, detail: $0.detail)
                }
            }
            if case .schedule = request, shows { watching = nil }
            if case .finishFlush(let cpu) = request, cpu == watching { watching = nil }
            run.replayer.isTracing = false
            guard case .finishFlush(let cpu) = request, let result = run.results[index], !result.agrees,
                !result.isWarmUp, let start = starts[cpu], index - start < Self.keptSnapshots
            else { continue }
            if let better = ValidationRun.reordered(
                finish: index, start: start, workload: workload, snapshots: snapshots, current: run)
            {
                run = better
            }
        }
        var figures: [String: Group] = [:]
        for index in run.results.keys.sorted() {
            let result = run.results[index]!
            if result.isWarmUp {
                warmUp += 1
                continue
            }
            figures[result.path, default: Group(path: result.path, compared: 0, agreeing: 0)].compared += 1
            if result.agrees {
                figures[result.path]!.agreeing += 1
                if let reordering = result.reordering {
                    figures[result.path]!.reordered += 1
                    reorderings.append(
                        Reordering(line: result.line, path: result.path, cpu: result.cpu, order: reordering))
                }
            } else {
                disagreements.append(
                    Disagreement(line: result.line, path: result.path, cpu: result.cpu, differences: result.differences)
                )
            }
        }
        let counters = run.replayer.world.counters
        vmstat = [
            ("nr_tlb_remote_flush", counters.nrTLBRemoteFlush),
            ("nr_tlb_remote_flush_received", counters.nrTLBRemoteFlushReceived),
            ("nr_tlb_local_flush_all", counters.nrTLBLocalFlushAll),
            ("nr_tlb_local_flush_one", counters.nrTLBLocalFlushOne),
        ].map { VMStatCounter(name: $0.0, trace: workload.vmstat[$0.0] ?? 0, model: $0.1) }
        if !run.unmatched.isEmpty {
            skipped["flush_tlb_func IPIs matched to no unfinished flush"] = run.unmatched.count
        }
        groups = figures.values.filter { $0.path != Self.switchPath }.sorted {
            ($0.compared, $1.path) > ($1.compared, $0.path)
        }
        if let switches = figures[Self.switchPath] { groups.append(switches) }
    }

    /// Whether `request` is the flush or switch the trace shows at `line`.
    static func starts(_ request: TraceRequest, at line: Int?) -> Bool {
        switch request {
        case .flush(let flush): flush.line == line
        case .schedule(let change): change.line == line
        default: false
        }
    }

    /// How many requests back a reordering may reach.
    static var keptSnapshots: Int { 64 }

    /// What differs between the traced kernel's flush and the model's, each as
    /// `what: trace X, model Y`; empty when they agree.
    static func differences(trace: ReplayedFlush, model: ReplayedFlush) -> [String] {
        var differences: [String] = []
        if trace.path != model.path {
            differences.append("path: trace \(describe(trace.path)), model \(describe(model.path))")
        }
        let traceTargets = Set(trace.targets)
        let modelTargets = Set(model.targets)
        if traceTargets != modelTargets {
            let why = traceTargets.symmetricDifference(modelTargets).sorted().compactMap { cpu in
                model.reasons[cpu].map { "cpu\(cpu) \($0)" }
            }
            differences.append(
                "IPIs: trace \(cpuList(traceTargets)), model \(cpuList(modelTargets))"
                    + (why.isEmpty ? "" : " (\(why.joined(separator: "; ")))"))
        }
        for cpu in traceTargets.intersection(modelTargets).sorted() {
            let (t, m) = (trace.receivers[cpu]!, model.receivers[cpu]!)
            if !same(t, m) {
                differences.append("cpu\(cpu): trace \(t), model \(m)\(model.reasons[cpu].map { " (\($0))" } ?? "")")
            }
        }
        switch (trace.local, model.local) {
        case (nil, nil): break
        case (let t?, let m?) where same(t, m): break
        case (let t, let m):
            differences.append(
                "initiator: trace \(t.map(\.description) ?? "no flush_tlb_func"), "
                    + "model \(m.map(\.description) ?? "no flush_tlb_func")")
        }
        return differences
    }

    /// Whether two outcomes are the same as far as a trace can tell: leaving lazy mode without
    /// a flush leaves no `tlb_flush` event, as an early return does not.
    static func same(_ a: ReplayOutcome, _ b: ReplayOutcome) -> Bool {
        func normal(_ o: ReplayOutcome) -> ReplayOutcome { o == .leftLazy(flushed: false) ? .early : o }
        return normal(a) == normal(b)
    }

    static func describe(_ path: ReplayPath) -> String {
        switch path {
        case .multi: "flush_tlb_multi"
        case .local: "local flush only"
        case .none: "no flush"
        }
    }

    static func cpuList(_ cpus: Set<Int>) -> String {
        cpus.isEmpty ? "none" : cpus.sorted().map { "cpu\($0)" }.joined(separator: ",")
    }
}
