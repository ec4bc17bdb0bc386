import Foundation
import ShootdownTrace

/// `shootdown trace stats` for people: the trace's TLB flushes by reason and CPU, their sizes,
/// the initiating paths, IPIs, early returns and the `/proc/vmstat` equivalents.
public enum TraceStatsText {
    /// `stats` of the trace `file`.
    public static func render(_ stats: TraceStats, file: String) -> String {
        var lines = [
            "\(file): \(stats.lines) lines, \(stats.events) events on \(stats.cpus) CPUs over "
                + "\(String(format: "%.3f", stats.seconds)) s; TGID column \(stats.hasTGID ? "yes" : "no")"
                + (stats.skipped > 0 ? "; \(stats.skipped) malformed lines skipped (--lenient)" : ""),
            "PCID: \(stats.pcid) (\(stats.taskSwitchFlushes) 'flush on task switch' flushes, "
                + "\(stats.switchesToAnotherProcess) switches to another process)",
            "",
            "tlb_flush by reason and CPU:",
        ]
        let cpus = (0..<stats.cpus).map { "cpu\($0)" }
        var rows: [[String]] = []
        for (reason, total) in stats.flushes.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) {
            rows.append([reason] + (stats.flushesByCPU[reason] ?? []).map(String.init) + [String(total)])
        }
        lines.append(TextTable.render(header: ["reason"] + cpus + ["total"], rows: rows))
        lines += ["", "tlb_flush pages (all = a full flush):"]
        let buckets = ["all", "1", "2-4", "5-16", "17-33", "34+"]
        rows = stats.flushes.keys.sorted().map { reason in
            [reason] + buckets.map { String(stats.pages[reason]?[$0] ?? 0) }
        }
        lines.append(TextTable.render(header: ["reason"] + buckets, rows: rows))
        lines += ["", "traced functions by caller:"]
        rows = stats.calls.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }).map { [$0.key, String($0.value)] }
        lines.append(TextTable.render(header: ["function <-caller", "calls"], rows: rows))
        lines += [
            "",
            "flush_tlb_func: \(stats.flushFuncCalls) calls, \(stats.earlyReturns) returned early (no flush after them)",
            "IPIs: \(stats.callFunctionInterrupts) call_function interrupts taken (any cause), "
                + (stats.ipiSends > 0 ? "\(stats.ipiSends) ipi_send events" : "no ipi_send events in this kernel"),
            "migrations: \(stats.migrations) mm_migrate_pages, \(stats.migratedPages) pages",
            "syscalls: "
                + stats.syscalls.sorted(by: { $0.key < $1.key }).map { "\($0.key) \($0.value)" }.joined(separator: ", "),
            "",
            "/proc/vmstat equivalents:",
        ]
        for name in [
            "nr_tlb_remote_flush", "nr_tlb_remote_flush_received", "nr_tlb_local_flush_all", "nr_tlb_local_flush_one",
        ] {
            lines.append("  \(name) \(stats.vmstat[name] ?? 0)")
        }
        return lines.joined(separator: "\n")
    }
}
