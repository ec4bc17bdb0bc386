import ShootdownModel
import ShootdownSimulator

/// The result of `shootdown trace whatif`: a row of counters per scheme for one trace, each
/// figure with its ratio to the first scheme's (the kernel the trace came from).
public struct TraceWhatIfReport: Codable, Sendable {
    /// The trace file.
    public var trace: String
    public var cpus: Int
    /// `flush_tlb_mm_range()` calls replayed.
    public var flushes: Int
    /// The machine replayed on: PCID and INVLPGB.
    public var pcid: Bool
    public var invlpgb: Bool
    /// The cost model `cycles_flush` was priced with.
    public var costModel: CostModel
    public var schemes: [Row]

    /// One scheme's figures.
    public struct Row: Codable, Sendable {
        public var scheme: String
        public var counters: [String: Int]
        /// Each figure over the first scheme's; absent where that is 0.
        public var vsFirst: [String: Double]
    }

    /// The name of the row of what the traced kernel did (its `tlb_flush` events and IPIs,
    /// counted as the model counts; ring slots and INVLPGBs it does not trace).
    public static let tracedRow = "(the trace)"

    /// The figures a row shows, in table order.
    public static let columns = [
        "ipis_sent", "nr_tlb_remote_flush_received", "full_flushes", "ranged_flushes", "pages_invalidated",
        "full_flushes_switch", "ring_slots_read", "invlpgbs", "cycles_flush",
    ]

    /// Builds the report from each scheme's counters, first the baseline.
    public init(
        trace: String, cpus: Int, flushes: Int, pcid: Bool, invlpgb: Bool, costModel: CostModel,
        results: [(scheme: String, counters: Counters)]
    ) {
        self.trace = trace
        self.cpus = cpus
        self.flushes = flushes
        self.pcid = pcid
        self.invlpgb = invlpgb
        self.costModel = costModel
        let figures = results.map { result in
            var named = Dictionary(uniqueKeysWithValues: result.counters.named.map { ($0.name, $0.value) })
            named["cycles_flush"] = costModel.flushCycles(result.counters)
            return (result.scheme, named)
        }
        let base = figures.first?.1 ?? [:]
        schemes = figures.map { name, named in
            Row(scheme: name, counters: named, vsFirst: CompareReport.ratios(named, over: base))
        }
    }

    /// The table for people.
    public func text() -> String {
        let baseline = schemes.first?.scheme ?? ""
        let rows = schemes.map { row in
            [row.scheme]
                + Self.columns.map { key in
                    let value = row.counters[key] ?? 0
                    guard let ratio = row.vsFirst[key], row.scheme != baseline else { return "\(value)" }
                    return "\(value) (\(CompareReport.format(ratio))x)"
                }
        }
        return [
            "\(trace): \(flushes) flush requests on \(cpus) CPUs\(pcid ? "" : " without PCID")"
                + "\(invlpgb ? " with INVLPGB" : ""), replayed in the trace's order; (Nx) = N times \(baseline)",
            TextTable.render(header: ["scheme"] + Self.columns, rows: rows),
            "The trace has no user accesses: refills are not counted; cycles_flush prices the flushing alone.",
            "\(Self.tracedRow): what the kernel did, from its tlb_flush events and IPIs, priced the same way.",
        ].joined(separator: "\n")
    }

    /// Comma-separated values: a header line, then a line per scheme.
    public func csv() -> String {
        let header = (["trace", "scheme"] + Self.columns).joined(separator: ",")
        let rows = schemes.map { row in
            (["\"\(trace)\"", "\"\(row.scheme)\""] + Self.columns.map { "\(row.counters[$0] ?? 0)" })
                .joined(separator: ",")
        }
        return ([header] + rows).joined(separator: "\n")
    }

    /// Bars: each figure, one bar per scheme.
    public func barChart() -> String {
        let charted = ["ipis_sent", "full_flushes", "pages_invalidated", "full_flushes_switch", "cycles_flush"]
        return SVGChart.bars(
            title: "\(trace): what if", groups: charted,
            series: schemes.map { row in (row.scheme, charted.map { row.counters[$0] ?? 0 }) })
    }

    /// The JSON form.
    public func json() -> String { JSONOutput.encode(self) }
}
