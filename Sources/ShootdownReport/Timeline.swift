import ShootdownModel

/// A per-CPU timeline: one line per event, a lane per CPU marking who acted.
///
/// ```
///  step  0 1   cpu  what
///     4  . *   cpu1 flush_tlb_mm_range: inc_mm_tlb_gen(A) = 1
/// ```
public enum Timeline {
    /// Renders `events` of a machine with `cpus` CPUs; `last` keeps only the final events;
    /// `notes` adds a line under a step's last event (the causal slice's "why it matters").
    public static func render(
        _ events: [TraceEvent], cpus: Int, last: Int? = nil, notes: [Int: String] = [:]
    ) -> String {
        let shown = last.map { Array(events.suffix($0)) } ?? events
        let stepWidth = max(4, String(shown.last?.step ?? 0).count)
        let lanes = (0..<cpus).map { String($0 % 10) }.joined(separator: " ")
        var lines = ["\(pad("step", stepWidth))  \(lanes)   cpu  what"]
        if shown.count < events.count {
            lines.append("\(pad("...", stepWidth))  (\(events.count - shown.count) earlier events)")
        }
        for (index, event) in shown.enumerated() {
            let lane = (0..<cpus).map { $0 == event.cpu ? "*" : "." }.joined(separator: " ")
            lines.append(
                "\(pad(String(event.step), stepWidth))  \(lane)   cpu\(event.cpu) \(event.function): \(event.detail)")
            if let note = notes[event.step], index + 1 == shown.count || shown[index + 1].step != event.step {
                lines.append(String(repeating: " ", count: stepWidth + 2 * cpus + 4) + "why: " + note)
            }
        }
        return lines.joined(separator: "\n")
    }

    static func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
