import ShootdownModel

/// `shootdown demo`: Linux's protocol over every built-in scenario and seeds, then each
/// mutant and the first seed that exposes it, with the timeline of one catch.
public enum DemoText {
    /// Runs the showcase over seeds `0..<seeds`.
    public static func render(seeds: Int) -> String {
        var lines = [
            "Shootdown demo: x86-64 Linux 6.6 TLB shootdowns on the built-in scenarios, \(seeds) random schedules each.",
            "",
        ]
        let header = ["scenario", "violations", "full", "ranged", "ipis", "lazy-skips", "switch-flushes"]
        var rows: [[String]] = []
        for name in BuiltinScenarios.names {
            let scenario = BuiltinScenarios.named(name)!
            let runner = Runner(scenario: scenario, scheme: LinuxScheme())
            var total = Counters()
            for seed in 0..<seeds {
                total.add(runner.run(.random(seed: UInt64(seed))).counters)
            }
            rows.append([
                name, "\(total.violations)", "\(total.fullFlushes)", "\(total.rangedFlushes)",
                "\(total.ipisSent)", "\(total.ipisSkippedLazy)", "\(total.fullFlushesSwitch)",
            ])
        }
        lines.append("linux (totals over all seeds):")
        lines.append(TextTable.render(header: header, rows: rows))
        lines.append("")
        // Mutants are looked for over at least 200 seeds: a deferred-flush bug needs a narrow window.
        let mutantSeeds = max(seeds, 200)
        lines.append(
            "Mutants: the first scenario and seed (of \(mutantSeeds)) where each one lets a CPU use a stale translation."
        )
        var firstCatch: (String, RunResult<LinuxScheme>, String)?
        var mutantRows: [[String]] = []
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
                    if firstCatch == nil { firstCatch = (name, result, replay) }
                    break search
                }
            }
            mutantRows.append(found)
        }
        lines.append(TextTable.render(header: ["mutant", "scenario", "seed", "violation"], rows: mutantRows))
        if let (_, result, replay) = firstCatch {
            lines.append("")
            lines.append("The first catch, \(result.world.scheme.name): \(result.world.describe(result.violation!))")
            lines.append(Timeline.render(result.world.trace, cpus: result.world.scenario.cpuCount, last: 14))
            lines.append("replay: \(replay)")
        }
        return lines.joined(separator: "\n")
    }
}
