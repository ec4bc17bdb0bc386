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
            lines.append(Timeline.render(example.sliceTimeline, cpus: cpus))
        }
        if view != .slice || example.slice == nil {
            if view == .both, example.slice != nil { lines.append("Full timeline:") }
            lines.append(Timeline.render(example.timeline, cpus: cpus))
        }
        return lines
    }
}
