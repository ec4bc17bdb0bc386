import ShootdownModel

/// `shootdown run` for people: header, counters, and on a violation the timeline and replay.
public enum RunText {
    /// The text report of a run.
    /// - Parameter fullTimeline: print every event, not only the tail before a violation.
    public static func render<S: Scheme>(_ result: RunResult<S>, report: RunReport, fullTimeline: Bool) -> String {
        let world = result.world
        var lines = [
            "scenario \(report.scenario)  scheme \(report.scheme)  "
                + (report.seed.map { "seed \($0)" } ?? "policy \(report.policy)")
                + "  outcome \(report.outcome)  steps \(report.steps)",
            "",
            CounterTable.render(result.counters),
        ]
        if fullTimeline || result.violation != nil {
            lines += [
                "", "Timeline:",
                Timeline.render(
                    world.trace, cpus: world.scenario.cpuCount,
                    last: fullTimeline ? nil : 40),
            ]
        }
        for violation in report.violations {
            lines += [
                "", "VIOLATION (\(violation.kind)) at step \(violation.step): \(violation.description)",
                "replay: \(violation.replay)",
            ]
        }
        if result.outcome == .stuck {
            lines += ["", "stuck: threads wait for events that no thread will signal"]
        }
        return lines.joined(separator: "\n")
    }
}
