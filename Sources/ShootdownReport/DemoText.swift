import ShootdownChecker
import ShootdownModel

/// `shootdown demo`: the seed thread's bug found by the checker, what its fix costs, Linux's
/// protocol over every built-in scenario, and each mutant with the first seed that exposes it.
public enum DemoText {
    /// Runs the showcase over seeds `0..<seeds`.
    public static func render(seeds: Int) -> String {
        var lines = [
            "Shootdown demo: x86-64 Linux 6.6 TLB shootdowns, and Nadav Amit's RFC 15 from the seed thread.",
            "",
        ]
        lines += seedThread()
        lines.append("")
        lines += schemeCosts(seeds: seeds)
        lines.append("")
        lines += mutants(seeds: seeds)
        return lines.joined(separator: "\n")
    }

    /// The schemes side by side on `seed-thread`, exhaustively, with the buggy RFC's shrunk
    /// counterexample.
    static func seedThread() -> [String] {
        let scenario = BuiltinScenarios.named("seed-thread")!
        var lines = ["1. The seed thread: every schedule of `seed-thread` (exhaustive check)."]
        var rows: [[String]] = []
        var counterexample: (LinuxScheme, [Action])?
        for variant in [LinuxScheme.Variant.rfc15Buggy, .rfc15, .linux] {
            let scheme = LinuxScheme(variant)
            let result = ExhaustiveChecker(scenario: scenario, scheme: scheme).run()
            var verdict = "pass"
            if let violation = result.violation, let schedule = result.schedule {
                verdict = "VIOLATION (\(violation.kind.rawValue))"
                counterexample = (scheme, Shrinker(scenario: scenario, scheme: scheme).shrink(schedule))
            }
            rows.append([scheme.name, verdict, "\(result.stats.states)", "\(result.stats.transitions)"])
        }
        lines.append(TextTable.render(header: ["scheme", "result", "states", "transitions"], rows: rows))
        if let (scheme, schedule) = counterexample {
            let replay = Runner(scenario: scenario, scheme: scheme, tracing: true).run(.scripted(schedule))
            lines.append("")
            lines.append(
                "\(scheme.name), shrunk to \(schedule.count) steps: \(replay.world.describe(replay.violation!))")
            lines.append(Timeline.render(replay.world.trace, cpus: scenario.cpuCount))
            lines.append("replay: shootdown check --scenario seed-thread --scheme \(scheme.name)")
        }
        return lines
    }

    /// Full and ranged flushes of each scheme on every built-in scenario, totals over the seeds.
    static func schemeCosts(seeds: Int) -> [String] {
        var lines = [
            "2. What each scheme costs: flushes on every built-in scenario, totals over \(seeds) random schedules.",
            "   (full = full flushes of an ASID, all causes; ranged = flush_tlb_func runs that INVLPG a range)",
        ]
        let variants = LinuxScheme.Variant.allCases
        var header = ["scenario"]
        for variant in variants { header += ["\(variant.rawValue) full", "ranged"] }
        header += ["ipis", "violations"]
        var rows: [[String]] = []
        for name in BuiltinScenarios.names {
            let scenario = BuiltinScenarios.named(name)!
            var row = [name]
            var linux = Counters()
            var violations: [String] = []
            for variant in variants {
                let total = totals(scenario, LinuxScheme(variant), seeds: seeds)
                if variant == .linux { linux = total }
                if total.violations > 0 { violations.append("\(variant.rawValue) \(total.violations)") }
                row += ["\(total.fullFlushes)", "\(total.rangedFlushes)"]
            }
            row += ["\(linux.ipisSent)", violations.isEmpty ? "0" : violations.joined(separator: ", ")]
            rows.append(row)
        }
        lines.append(TextTable.render(header: header, rows: rows))
        return lines
    }

    /// Counters summed over `seeds` random schedules.
    static func totals(_ scenario: Scenario, _ scheme: LinuxScheme, seeds: Int) -> Counters {
        let runner = Runner(scenario: scenario, scheme: scheme)
        var total = Counters()
        for seed in 0..<seeds {
            total.add(runner.run(.random(seed: UInt64(seed))).counters)
        }
        return total
    }

    /// Each mutant and the first scenario and seed that expose it, with the timeline of one catch.
    static func mutants(seeds: Int) -> [String] {
        // Mutants are looked for over at least 200 seeds: a deferred-flush bug needs a narrow window.
        let mutantSeeds = max(seeds, 200)
        var lines = [
            "3. Mutants: the first scenario and seed (of \(mutantSeeds)) where each one lets a CPU use a stale translation."
        ]
        var firstCatch: (RunResult<LinuxScheme>, String)?
        var rows: [[String]] = []
        for mutation in LinuxScheme.Mutation.allCases {
            let scheme = LinuxScheme(mutation: mutation)
            var found: [String] = [scheme.name, "not caught", "", ""]
            search: for name in BuiltinScenarios.names {
                let runner = Runner(scenario: BuiltinScenarios.named(name)!, scheme: scheme, tracing: firstCatch == nil)
                for seed in 0..<mutantSeeds {
                    let result = runner.run(.random(seed: UInt64(seed)))
                    guard let violation = result.violation else { continue }
                    let replay = "shootdown run --scenario \(name) --scheme \(scheme.name) --seed \(seed)"
                    found = [scheme.name, name, "\(seed)", violation.kind.rawValue]
                    if firstCatch == nil { firstCatch = (result, replay) }
                    break search
                }
            }
            rows.append(found)
        }
        lines.append(TextTable.render(header: ["mutant", "scenario", "seed", "violation"], rows: rows))
        if let (result, replay) = firstCatch {
            lines.append("")
            lines.append("The first catch, \(result.world.scheme.name): \(result.world.describe(result.violation!))")
            lines.append(Timeline.render(result.world.trace, cpus: result.world.scenario.cpuCount, last: 14))
            lines.append("replay: \(replay)")
        }
        return lines
    }
}
