import Foundation
import ShootdownTrace

/// `shootdown trace validate` for people: agreement by initiating path, the disagreements with
/// their trace lines, what was left out and what was assumed.
public enum TraceValidationText {
    /// `validation` of the trace `file`; `limit` disagreements listed (all with `nil`).
    public static func render(_ validation: TraceValidation, file: String, limit: Int? = 20) -> String {
        let (compared, agreeing) = validation.flushes
        let reordered = validation.reorderings.filter { $0.path != TraceValidation.switchPath }.count
        var lines = [
            "\(file): \(validation.cpus) CPUs, \(validation.addressSpaces) address spaces, PCID "
                + "\(validation.pcid ? "present" : "absent"); replayed under \(validation.scheme)",
            "flush requests agreeing: \(agreeing) of \(compared) (\(percent(agreeing, compared))), \(reordered) of them "
                + "once one event of another CPU within the trace's timestamp precision is ordered the other way"
                + (validation.warmUp > 0
                    ? "; \(validation.warmUp) before every CPU's first sched_switch not compared" : ""),
            "",
        ]
        let rows = validation.groups.map { group in
            [
                group.path, String(group.compared), String(group.agreeing), String(group.reordered),
                percent(group.agreeing, group.compared),
            ]
        }
        lines.append(
            TextTable.render(header: ["initiating path", "compared", "agree", "reordered", "fraction"], rows: rows))
        lines += ["", "/proc/vmstat over the whole trace (warm-up included):"]
        lines.append(
            TextTable.render(
                header: ["counter", "trace", "model"],
                rows: validation.vmstat.map { [$0.name, String($0.trace), String($0.model)] }))
        if !validation.disagreements.isEmpty {
            let shown = limit.map { Array(validation.disagreements.prefix($0)) } ?? validation.disagreements
            lines += ["", "disagreements (\(validation.disagreements.count)):"]
            for d in shown {
                lines.append("  line \(d.line), cpu\(d.cpu), \(d.path): " + d.differences.joined(separator: "; "))
            }
            if shown.count < validation.disagreements.count {
                lines.append("  ... \(validation.disagreements.count - shown.count) more (--all lists every one)")
            }
        }
        if let line = validation.shownLine {
            lines += ["", "the model at line \(line), as replayed in the trace's order (--at):"]
            if validation.steps.isEmpty {
                lines.append("  no flush or switch at that line (a flush_tlb_mm_range or sched_switch line)")
            }
            lines += validation.steps.map { "  cpu\($0.cpu) \($0.function): \($0.detail)" }
        }
        if !validation.skipped.isEmpty {
            lines += ["", "left out:"]
            for (what, count) in validation.skipped.sorted(by: { $0.key < $1.key }) {
                lines.append("  \(count) \(what)")
            }
        }
        lines += ["", "assumed (the trace cannot show it):"]
        lines += validation.assumptions.map { "  - \($0)" }
        return lines.joined(separator: "\n")
    }

    static func percent(_ part: Int, _ whole: Int) -> String {
        whole == 0 ? "-" : String(format: "%.1f%%", Double(part) * 100 / Double(whole))
    }
}
