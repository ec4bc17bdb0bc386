import ShootdownChecker
import ShootdownModel

/// A counterexample as text: its causal slice above its full timeline (`--slice` or `--full` for
/// one of them).
public enum CounterexampleText {
    /// Which timelines to print.
    public enum View: String, Sendable, CaseIterable {
        /// The causal slice, then the full timeline.
        case both
        /// The causal slice only.
        case slice
        /// The full timeline only.
        case full
    }

    /// The slice and the timeline of `example` on a machine of `cpus` CPUs, as `view` asks.
    public static func timelines(_ example: Counterexample, cpus: Int, view: View = .both) -> [String] {
        var lines: [String] = []
        if view != .full, let slice = example.slice {
            lines.append(
                "Causal slice (\(slice.count) of \(example.schedule.count) steps: each runs after the earlier "
                    + "steps of its CPU, and the violation needs their order):")
            lines.append(Timeline.render(example.sliceTimeline, cpus: cpus, notes: example.reasons))
        }
        if view != .slice || example.slice == nil {
            if view == .both, example.slice != nil { lines.append("Full timeline:") }
            lines.append(Timeline.render(example.timeline, cpus: cpus))
        }
        return lines
    }

    /// `example` in Markdown, ready to paste into a mail or an issue: the violation, the causal
    /// slice as a numbered list, the full timeline as a table, the replay command.
    public static func markdown(_ example: Counterexample) -> String {
        var lines = [
            "**Violation** (`\(example.violationKind)`, `\(example.scheme)` on `\(example.scenario)`): "
                + example.violation, "",
        ]
        if let slice = example.slice {
            lines.append(
                "**Causal slice**, \(slice.count) of \(example.schedule.count) steps (each runs after the earlier steps "
                    + "of its CPU, and the violation needs their order):")
            lines.append("")
            // One item a step, its events joined.
            var items: [(step: Int, text: String)] = []
            for event in example.sliceTimeline {
                let what = "`\(event.function)`: \(event.detail)"
                if items.last?.step == event.step {
                    items[items.count - 1].text += "; " + what
                } else {
                    items.append((event.step, "step \(event.step), cpu\(event.cpu) " + what))
                }
            }
            let reasons = example.reasons
            for (number, item) in items.enumerated() {
                lines.append("\(number + 1). \(item.text)" + (reasons[item.step].map { ". *Why:* \($0)" } ?? ""))
            }
            lines.append("")
        }
        lines += [
            "**Full timeline**, \(example.schedule.count) steps:", "", "| step | cpu | function | what |",
            "| ---: | --- | --- | --- |",
        ]
        for event in example.timeline {
            lines.append(
                "| \(event.step) | cpu\(event.cpu) | `\(event.function)` | \(cell(event.detail)) |")
        }
        lines += ["", "Replay: `\(example.replay)`"]
        return lines.joined(separator: "\n")
    }

    /// `text` for a Markdown table cell: `|` escaped.
    static func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
}
