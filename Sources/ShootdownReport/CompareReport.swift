import ShootdownModel
import ShootdownSimulator

/// The result of `shootdown compare`, in the shape scripts rely on (README.md, "shootdown compare"):
/// `{"workload", "cpus", "seed", "schemes": [{"scheme", "counters": {name: number},
/// "vsOracle": {name: ratio}}]}`.
public struct CompareReport: Codable, Sendable {
    public var workload: String
    public var cpus: Int
    public var seed: UInt64
    public var iterations: Int
    /// Whether the simulated CPUs had PCID (`compare --pcid`).
    public var pcid: Bool
    /// Whether they had INVLPGB (`compare --invlpgb`).
    public var invlpgb: Bool
    /// Whether the workload mapped transparent huge pages (`compare --thp`).
    public var thp: Bool
    /// The cost model the figures were priced with, so that a report says how to reproduce it.
    public var costModel: CostModel
    public var schemes: [Row]

    /// One scheme's figures.
    public struct Row: Codable, Sendable {
        public var scheme: String
        public var counters: [String: Int]
        /// Each counter over the same counter of `oracle-sw` (the best software can do); absent
        /// where `oracle-sw`'s figure is 0.
        public var vsOracle: [String: Double]
        /// The first violation, if the scheme let a CPU use a stale translation.
        public var violation: String?
    }

    /// The counters a row reports, in table order.
    public static let columns = [
        "ipis_sent", "nr_tlb_remote_flush_received", "full_flushes", "ranged_flushes", "pages_invalidated",
        "tlb_misses", "cycles_flush", "cycles_refill", "latency_p50", "latency_p99", "cycles", "violations",
    ]

    /// Builds the report; `oracle` is the result ratios are taken against.
    public init(
        workload: Workload, costModel: CostModel, results: [(scheme: String, result: SimulationResult)],
        oracle: SimulationResult
    ) {
        self.workload = workload.kind.rawValue
        self.costModel = costModel
        cpus = workload.cpus
        seed = workload.seed
        iterations = workload.iterations
        pcid = workload.hasPCID
        invlpgb = workload.hasINVLPGB
        thp = workload.hasTHP
        let base = Self.figures(oracle)
        schemes = results.map { name, result in
            let figures = Self.figures(result)
            return Row(
                scheme: name, counters: figures, vsOracle: Self.ratios(figures, over: base), violation: result.violation
            )
        }
    }

    /// Each figure over the same figure of `base`, to three decimals; absent where `base`'s is 0.
    static func ratios(_ figures: [String: Int], over base: [String: Int]) -> [String: Double] {
        var ratios: [String: Double] = [:]
        for (key, value) in figures where (base[key] ?? 0) > 0 {
            ratios[key] = (Double(value) / Double(base[key]!) * 1000).rounded() / 1000
        }
        return ratios
    }

    /// A simulation's figures by name: the model's counters and the simulator's own.
    static func figures(_ r: SimulationResult) -> [String: Int] {
        var figures = Dictionary(uniqueKeysWithValues: r.counters.named.map { ($0.name, $0.value) })
        figures["tlb_misses"] = r.counters.tlbFills
        figures["cycles_flush"] = r.flushCycles
        figures["cycles_refill"] = r.refillCycles
        figures["latency_p50"] = r.latency(percentile: 50)
        figures["latency_p99"] = r.latency(percentile: 99)
        figures["cycles"] = r.cycles
        figures["events"] = r.events
        return figures
    }

    /// The table for people: a row per scheme, each figure with its ratio to `oracle-sw`'s.
    public func text() -> String {
        let header = ["scheme"] + Self.columns
        let rows = schemes.map { row in
            [row.scheme]
                + Self.columns.map { key in
                    let value = row.counters[key] ?? 0
                    guard let ratio = row.vsOracle[key], key != "violations" else { return "\(value)" }
                    return "\(value) (\(Self.format(ratio))x)"
                }
        }
        var lines = [
            "\(workload) on \(cpus) CPUs\(pcid ? (invlpgb ? "" : " without INVLPGB") : " without PCID")\(thp ? ", huge pages" : ""), \(iterations) rounds, seed \(seed); (Nx) = N times oracle-sw",
            TextTable.render(header: header, rows: rows),
        ]
        for row in schemes where row.violation != nil {
            lines.append("\(row.scheme): VIOLATION: \(row.violation!)")
        }
        return lines.joined(separator: "\n")
    }

    /// Comma-separated values of `reports`: a header line, then a line per report and scheme.
    public static func csv(_ reports: [CompareReport]) -> String {
        let header = (["workload", "cpus", "seed", "scheme"] + columns).joined(separator: ",")
        let rows = reports.flatMap { report in
            report.schemes.map { row in
                // Scheme names hold commas (ring-list:size=8,switch=ranged): quoted, as RFC 4180 says.
                ([report.workload, "\(report.cpus)", "\(report.seed)", "\"\(row.scheme)\""]
                    + columns.map { "\(row.counters[$0] ?? 0)" })
                    .joined(separator: ",")
            }
        }
        return ([header] + rows).joined(separator: "\n")
    }

    /// The figures the charts show.
    static let charted = [
        "ipis_sent", "full_flushes", "pages_invalidated", "tlb_misses", "cycles_flush", "latency_p99",
    ]

    /// Bars: each charted figure, one bar per scheme.
    public func barChart() -> String {
        SVGChart.bars(
            title: "\(workload) on \(cpus) CPUs", groups: Self.charted,
            series: schemes.map { row in (row.scheme, Self.charted.map { row.counters[$0] ?? 0 }) })
    }

    /// Lines over the CPU counts of a sweep: cycles spent flushing and refilling, per scheme.
    public static func lineChart(_ reports: [CompareReport]) -> String {
        let names = reports.first?.schemes.map(\.scheme) ?? []
        let series = names.map { name in
            (
                name,
                reports.map { report in
                    let row = report.schemes.first { $0.scheme == name }
                    return (row?.counters["cycles_flush"] ?? 0) + (row?.counters["cycles_refill"] ?? 0)
                }
            )
        }
        return SVGChart.lines(
            title: "\(reports.first?.workload ?? ""): cycles flushing and refilling", xLabel: "CPUs",
            x: reports.map(\.cpus), yLabel: "cycles", series: series)
    }

    /// The JSON form.
    public func json() -> String { JSONOutput.encode(self) }

    static func format(_ ratio: Double) -> String {
        let hundredths = Int((ratio * 100).rounded())
        let cents = hundredths % 100
        return "\(hundredths / 100).\(cents < 10 ? "0" : "")\(cents)"
    }
}

/// `shootdown compare --sweep --format json`: the CPU counts and a report for each.
public struct CompareSweep: Codable, Sendable {
    public var cpus: [Int]
    public var reports: [CompareReport]

    public init(cpus: [Int], reports: [CompareReport]) {
        self.cpus = cpus
        self.reports = reports
    }
}
