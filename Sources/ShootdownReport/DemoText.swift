import ShootdownChecker
import ShootdownModel

/// `shootdown demo`, rendered from ``DemoFindings``: the seed thread's bug found by the checker,
/// what its fix costs, Linux's protocol over every built-in scenario, and each mutant with the
/// first built-in scenario that exposes it.
public enum DemoText {
    /// The showcase over seeds `0..<seeds`.
    public static func render(seeds: Int) -> String { render(DemoFindings(seeds: seeds)) }

    /// The showcase's text.
    public static func render(_ findings: DemoFindings) -> String {
        var lines = [
            "Shootdown demo: x86-64 Linux 6.6 TLB shootdowns, Nadav Amit's RFC 15 and Andy Lutomirski's flush ring.",
            "",
            "1. The seed thread: every schedule of `seed-thread` (exhaustive check).",
            TextTable.render(
                header: ["scheme", "result", "states", "transitions"],
                rows: findings.seedThread.map {
                    [
                        $0.scheme, $0.violation.map { "VIOLATION (\($0.rawValue))" } ?? "pass", "\($0.states)",
                        "\($0.transitions)",
                    ]
                }),
            "",
        ]
        lines += costs(findings)
        lines.append("")
        if let example = findings.seedThreadCounterexample {
            lines += counterexample(
                "3. \(example.scheme) on seed-thread, shrunk to \(example.schedule.count) steps: ", example)
        }
        lines.append("")
        lines += mutants(findings)
        return lines.joined(separator: "\n")
    }

    /// Full and ranged flushes of Linux, the RFC's fix and the ring on every built-in scenario.
    static func costs(_ findings: DemoFindings) -> [String] {
        let rows = findings.costs.map { row in
            [row.scenario]
                + [row.linux, row.rfc15, row.ring].flatMap { ["\($0.fullFlushes)", "\($0.rangedFlushes)"] }
                + ["\(row.linux.violations + row.rfc15.violations + row.ring.violations)", "\(row.buggyViolations)"]
        }
        let header = [
            "scenario", "linux full", "ranged", "rfc15 full", "ranged", "ring full", "ranged", "violations",
            "rfc15-buggy violations",
        ]
        return [
            "2. Full flushes (of an ASID, any cause) and ranged flushes (INVLPG runs), totals over \(findings.seeds) "
                + "random schedules.",
            TextTable.render(header: header, rows: rows),
            "   (ring = \(findings.ringName))",
        ]
    }

    /// Each mutant and where it is caught, then the first catch's counterexample.
    static func mutants(_ findings: DemoFindings) -> [String] {
        let rows = findings.mutants.map { row in
            guard let scenario = row.scenario, let kind = row.violation else {
                return [row.mutant, "not caught", "", "", ""]
            }
            return [row.mutant, scenario, "\(row.states)", "\(row.shrunkSteps)", kind.rawValue]
        }
        var lines = [
            "4. Mutants: the first built-in scenario where the exhaustive checker finds each one using a stale "
                + "translation.",
            TextTable.render(header: ["mutant", "scenario", "states", "shrunk steps", "violation"], rows: rows),
            "",
        ]
        if let example = findings.firstCatch {
            lines += counterexample("The first catch, \(example.scheme): ", example)
        }
        return lines
    }

    /// `title` and the violation, the counterexample's timeline, and its replay command.
    static func counterexample(_ title: String, _ example: Counterexample) -> [String] {
        let cpus = (try? example.parsedScenario())?.cpuCount ?? 1
        return [title + example.violation] + CounterexampleText.timelines(example, cpus: cpus)
            + ["replay: \(example.replay)"]
    }
}
