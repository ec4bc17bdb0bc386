import ShootdownModel
import Testing

/// The scenario generator and the model under generated and mutated input: every generated
/// scenario is valid, no input traps the model, and unmodified Linux never reports a violation.
@Suite struct ScenarioGeneratorTests {
    /// The generator's first 10,000 scenarios render to text that parses back to the same
    /// scenario, and the model boots each and runs one random schedule to its end.
    @Test func generatedScenariosParseAndRun() throws {
        let generator = ScenarioGenerator()
        for seed in 0..<UInt64(10_000) {
            let generated = generator.scenario(seed: seed)
            var parsed = try ScenarioFormat.parse(ScenarioFormat.render(generated), source: generated.name)
            parsed.summary = generated.summary
            #expect(parsed == generated, "seed \(seed)")
            let result = Runner(scenario: parsed, scheme: LinuxScheme(), maxSteps: 5_000).run(.random(seed: seed))
            #expect(result.outcome != .scheduleDiverged, "seed \(seed)")
        }
    }

    /// Every draw is a function of its seed and scope alone.
    @Test func drawsAreDeterministic() {
        let wide = ScenarioGenerator(scope: .init(maxCPUs: 4, maxOperations: 5))
        for seed in 0..<UInt64(200) {
            #expect(wide.scenario(seed: seed) == wide.scenario(seed: seed))
        }
        let scenarios = Set((0..<UInt64(200)).map { wide.scenario(seed: $0) })
        #expect(scenarios.count > 190)
        #expect(scenarios.allSatisfy { (2...4).contains($0.cpuCount) && !$0.threads.isEmpty })
    }

    /// The soundness check in the small: unmodified Linux completes every generated scenario
    /// under random schedules without a violation (the generator cannot deadlock by itself).
    @Test(arguments: 0..<4)
    func linuxNeverViolatesOnGeneratedScenarios(_ slice: Int) {
        let generator = ScenarioGenerator(scope: .init(maxCPUs: 4, maxOperations: 5))
        for seed in UInt64(slice * 200)..<UInt64(slice * 200 + 200) {
            let generated = generator.scenario(seed: seed)
            let runner = Runner(scenario: generated, scheme: LinuxScheme(), maxSteps: 20_000)
            for schedule in 0..<UInt64(2) {
                let result = runner.run(.random(seed: schedule))
                #expect(
                    result.outcome == .completed,
                    "seed \(seed) schedule \(schedule): \(String(describing: result.violation))")
            }
        }
    }

    /// Built-in scenarios with one line changed at random (a number, a word, a line dropped or
    /// repeated): each either fails to parse with an error naming its line, or runs without a trap.
    @Test func mutatedBuiltinScenariosParseOrFailCleanly() {
        var draw = SeededGenerator(seed: 7)
        let words = [
            "0", "1", "3", "7", "16", "-1", "99999", "read", "write", "none", "munmap", "mprotect", "fork", "migrate",
            "reclaim", "numa-hint", "x2", "0-3", "3-0", "A", "B", "cpu=0", "mm=A", "populated", "",
        ]
        var parsedCount = 0
        for case_ in 0..<3_000 {
            let source = BuiltinScenarios.sources[draw.next(below: BuiltinScenarios.sources.count)].text
            var lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let at = draw.next(below: lines.count)
            switch draw.next(below: 4) {
            case 0: lines.remove(at: at)
            case 1: lines.insert(lines[at], at: at)
            default:
                var tokens = lines[at].split(separator: " ", omittingEmptySubsequences: false).map(String.init)
                tokens[draw.next(below: tokens.count)] = words[draw.next(below: words.count)]
                lines[at] = tokens.joined(separator: " ")
            }
            let text = lines.joined(separator: "\n")
            do {
                let mutated = try ScenarioFormat.parse(text, source: "mutated-\(case_)")
                parsedCount += 1
                guard mutated.cpuCount <= 8, mutated.pagesPerAddressSpace <= 64 else { continue }
                let result = Runner(scenario: mutated, scheme: LinuxScheme(), maxSteps: 1_000)
                    .run(.random(seed: UInt64(case_)))
                #expect(result.schedule.count <= 1_000)
            } catch {
                #expect(error.description.hasPrefix("mutated-\(case_):"))
            }
        }
        #expect(parsedCount > 500)
    }
}
