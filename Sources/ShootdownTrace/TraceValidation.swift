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
    /// Flushes and switches replayed but not compared (before every CPU's first `sched_switch`).
    public var warmUp: Int
    /// What the reconstruction left out, and why (``TraceWorkload/skipped``).
    public var skipped: [String: Int]
    /// What the trace cannot show and was assumed.
    public var assumptions: [String]

    /// One initiating path's figures.
    public struct Group: Codable, Sendable {
        public var path: String
        public var compared: Int
        public var agreeing: Int
        /// `agreeing / compared`, 0 when nothing was compared.
        public var fraction: Double { compared == 0 ? 0 : Double(agreeing) / Double(compared) }
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

    /// Replays `workload` under `scheme` and compares.
    public init<S: Scheme>(_ workload: TraceWorkload, scheme: S) {
        self.scheme = scheme.name
        cpus = workload.cpus
        addressSpaces = workload.names.count
        pcid = workload.hasPCID
        skipped = workload.skipped
        assumptions = workload.assumptions
        disagreements = []
        warmUp = 0
        var replayer = TraceReplayer(cpus: workload.cpus, names: workload.names, hasPCID: workload.hasPCID, scheme: scheme)
        var figures: [String: (compared: Int, agreeing: Int)] = [:]
        var order: [String] = []
        var open: [Int: ObservedFlush] = [:]
        func count(_ path: String, agrees: Bool) {
            if figures[path] == nil { order.append(path) }
            figures[path, default: (0, 0)].compared += 1
            if agrees { figures[path, default: (0, 0)].agreeing += 1 }
        }
        for request in workload.requests {
            switch request {
            case .schedule(let observed):
                let flushed = replayer.schedule(cpu: observed.cpu, mm: observed.mm)
                guard observed.isCompared else { continue }
                count(Self.switchPath, agrees: flushed == observed.flushed)
                if flushed != observed.flushed {
                    disagreements.append(
                        Disagreement(
                            line: observed.line, path: Self.switchPath, cpu: observed.cpu,
                            differences: [
                                "switch to \(observed.mm.map { workload.names[$0] } ?? "a kernel thread"): "
                                    + "trace \(observed.flushed ? "flushed" : "no flush"), model \(flushed ? "flushed" : "no flush")"
                            ]))
                }
            case .flush(let observed):
                replayer.startFlush(
                    cpu: observed.cpu, mm: observed.mm, pages: observed.pages, freedTables: observed.freedTables)
                open[observed.cpu] = observed
            case .sendIPIs(let cpu):
                replayer.sendIPIs(cpu: cpu)
            case .runLocal(let cpu):
                replayer.runLocal(cpu: cpu)
            case .receive(let receive):
                // Whose IPI: the model's pending one from an unfinished flush, else the oldest
                // unfinished multi-CPU flush this CPU has not answered.
                let modelInitiator = replayer.receive(cpu: receive.cpu)
                let initiator =
                    modelInitiator.flatMap { open[$0]?.observed.receivers[receive.cpu] == nil ? $0 : nil }
                    ?? open.values.filter {
                        $0.observed.path == .multi && $0.cpu != receive.cpu && $0.observed.receivers[receive.cpu] == nil
                    }.min { $0.line < $1.line }?.cpu
                guard let initiator else {
                    skipped["flush_tlb_func IPIs matched to no unfinished flush", default: 0] += 1
                    continue
                }
                open[initiator]!.observed.targets.append(receive.cpu)
                open[initiator]!.observed.receivers[receive.cpu] = receive.outcome
            case .finishFlush(let cpu):
                guard let model = replayer.finishFlush(cpu: cpu), let observed = open.removeValue(forKey: cpu) else {
                    continue
                }
                guard observed.isCompared else {
                    warmUp += 1
                    continue
                }
                let differences = Self.differences(trace: observed.observed, model: model)
                count(observed.caller, agrees: differences.isEmpty)
                if !differences.isEmpty {
                    disagreements.append(
                        Disagreement(line: observed.line, path: observed.caller, cpu: observed.cpu, differences: differences))
                }
            }
        }
        groups = order.filter { $0 != Self.switchPath }.sorted { figures[$0]!.compared > figures[$1]!.compared }
            .map { Group(path: $0, compared: figures[$0]!.compared, agreeing: figures[$0]!.agreeing) }
        if let switches = figures[Self.switchPath] {
            groups.append(Group(path: Self.switchPath, compared: switches.compared, agreeing: switches.agreeing))
        }
    }

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
