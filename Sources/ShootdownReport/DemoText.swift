import ShootdownChecker
import ShootdownModel

/// `shootdown demo`: the seed thread's bug found by the checker, what its fix costs, Linux's
/// protocol over every built-in scenario, and each mutant with the first seed that exposes it.
public enum DemoText {
    /// Runs the showcase over seeds `0..<seeds`.
    public static func render(seeds: Int) -> String {
        var lines = [
            "Shootdown demo: x86-64 Linux 6.6 TLB shootdowns, Nadav Amit's RFC 15 and Andy Lutomirski's flush ring.",
            "",
        ]
        let (verdicts, counterexample) = seedThread()
        lines += verdicts
        lines.append("")
        lines += schemeCosts(seeds: seeds)
        lines.append("")
        lines += counterexample
        lines.append("")
        lines += mutants()
        return lines.joined(separator: "\n")
    }

    /// The schemes side by side on `seed-thread`, exhaustively; and the buggy RFC's shrunk
    /// counterexample.
    static func seedThread() -> (verdicts: [String], counterexample: [String]) {
        let scenario = BuiltinScenarios.named("seed-thread")!
        var lines = ["1. The seed thread: every schedule of `seed-thread` (exhaustive check)."]
        var rows: [[String]] = []
        var counterexample: [String] = []
        func check<S: Scheme>(_ scheme: S) {
            let result = ExhaustiveChecker(scenario: scenario, scheme: scheme).run()
            var verdict = "pass"
            if let violation = result.violation, let schedule = result.schedule {
                verdict = "VIOLATION (\(violation.kind.rawValue))"
                let shrunk = Shrinker(scenario: scenario, scheme: scheme).shrink(schedule)
                let replay = Runner(scenario: scenario, scheme: scheme, tracing: true).run(.scripted(shrunk))
                counterexample = [
                    "3. \(scheme.name) on seed-thread, shrunk to \(shrunk.count) steps: "
                        + replay.world.describe(replay.violation!),
                    Timeline.render(replay.world.trace, cpus: scenario.cpuCount),
                    "replay: shootdown check --scenario seed-thread --scheme \(scheme.name)",
                ]
            }
            rows.append([scheme.name, verdict, "\(result.stats.states)", "\(result.stats.transitions)"])
        }
        check(LinuxScheme(.rfc15Buggy))
        check(LinuxScheme(.rfc15))
        check(LinuxScheme(.linux))
        check(RingScheme())
        lines.append(TextTable.render(header: ["scheme", "result", "states", "transitions"], rows: rows))
        return (lines, counterexample)
    }

    /// Full and ranged flushes of Linux, the RFC's fix and the ring on every built-in scenario,
    /// totals over the seeds.
    static func schemeCosts(seeds: Int) -> [String] {
        var lines = [
            "2. Full flushes (of an ASID, any cause) and ranged flushes (INVLPG runs), totals over \(seeds) "
                + "random schedules."
        ]
        let ring = RingScheme()
        var rows: [[String]] = []
        for name in BuiltinScenarios.names {
            let scenario = BuiltinScenarios.named(name)!
            let linux = totals(scenario, LinuxScheme(), seeds: seeds)
            let rfc15 = totals(scenario, LinuxScheme(.rfc15), seeds: seeds)
            let ringTotals = totals(scenario, ring, seeds: seeds)
            let buggy = totals(scenario, LinuxScheme(.rfc15Buggy), seeds: seeds)
            rows.append(
                [name]
                    + [linux, rfc15, ringTotals].flatMap { ["\($0.fullFlushes)", "\($0.rangedFlushes)"] }
                    + ["\(linux.violations + rfc15.violations + ringTotals.violations)", "\(buggy.violations)"])
        }
        let header = [
            "scenario", "linux full", "ranged", "rfc15 full", "ranged", "ring full", "ranged", "violations",
            "rfc15-buggy violations",
        ]
        lines.append(TextTable.render(header: header, rows: rows))
        lines.append("   (ring = \(ring.name))")
        return lines
    }

    /// Counters summed over `seeds` random schedules.
    static func totals<S: Scheme>(_ scenario: Scenario, _ scheme: S, seeds: Int) -> Counters {
        let runner = Runner(scenario: scenario, scheme: scheme)
        var total = Counters()
        for seed in 0..<seeds {
            total.add(runner.run(.random(seed: UInt64(seed))).counters)
        }
        return total
    }

    /// Each mutant, the first built-in scenario where the exhaustive checker catches it, and the
    /// shrunk counterexample of the first mutant.
    static func mutants() -> [String] {
        var lines = [
            "4. Mutants: the first built-in scenario where the exhaustive checker finds each one using a stale "
                + "translation."
        ]
        var rows: [[String]] = []
        var firstCatch: [String] = []
        func search<S: Scheme>(_ scheme: S) {
            for name in BuiltinScenarios.names {
                let scenario = BuiltinScenarios.named(name)!
                let result = ExhaustiveChecker(scenario: scenario, scheme: scheme).run()
                guard let violation = result.violation, let schedule = result.schedule else { continue }
                let shrunk = Shrinker(scenario: scenario, scheme: scheme).shrink(schedule)
                rows.append([scheme.name, name, "\(result.stats.states)", "\(shrunk.count)", violation.kind.rawValue])
                if firstCatch.isEmpty {
                    let replay = Runner(scenario: scenario, scheme: scheme, tracing: true).run(.scripted(shrunk))
                    firstCatch = [
                        "The first catch, \(scheme.name): \(replay.world.describe(replay.violation!))",
                        Timeline.render(replay.world.trace, cpus: scenario.cpuCount),
                        "replay: shootdown check --scenario \(name) --scheme \(scheme.name)",
                    ]
                }
                return
            }
            rows.append([scheme.name, "not caught", "", "", ""])
        }
        for mutation in LinuxScheme.Mutation.allCases { search(LinuxScheme(mutation: mutation)) }
        // A one-slot ring wraps at every second generation: the ring mutants' windows open there.
        for mutation in RingScheme.Mutation.allCases { search(RingScheme(size: 1, mutation: mutation)) }
        lines.append(
            TextTable.render(header: ["mutant", "scenario", "states", "shrunk steps", "violation"], rows: rows))
        lines.append("")
        lines += firstCatch
        return lines
    }
}
