import ArgumentParser
import Foundation
import ShootdownChecker
import ShootdownModel
import ShootdownReport

struct Hunt: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate small scenarios and check each until the scheme breaks; shrink what breaks it.",
        discussion: """
            Scenario i is generated from seed + i (2 to --max-cpus CPUs, 1 to --max-ops operations a \
            thread, 1 to 4 pages, every operation the model has). Each is explored exhaustively within \
            --states states, then by PCT runs if that was not enough. The first violating scenario \
            is shrunk (threads, operations, VMAs, CPUs) while the violation stays, saved as a \
            scenario file, and its schedule shrunk into a counterexample with its replay command.

            Exits 0 when no scenario violated within the budget, 1 with a violation, 2 on bad input.
            Under unmodified `linux` a violation is a bug in the model: this is its soundness check.

            Examples:
              shootdown hunt --scheme linux~no-batched-pending --budget 120
              shootdown hunt --scheme linux --budget 600 --jobs 2
              shootdown hunt --scheme ring-list:size=1 --max-cpus 4 --max-ops 5 --seed 1000
            """
    )

    @Option(help: "The scheme, e.g. linux, rfc15, ring-list:size=8 or linux~no-ipi.")
    var scheme = "linux"

    @Option(help: "Seconds to hunt for (checked between scenarios; shrinking comes after).")
    var budget = 60.0

    @Option(help: "At most this many scenarios (default: as many as the budget allows).")
    var scenarios: Int?

    @Option(help: "The most CPUs of a generated scenario (2-5).")
    var maxCPUs = 3

    @Option(help: "The most operations of a generated thread's script.")
    var maxOps = 4

    @Option(help: "The seed of scenario 0.")
    var seed: UInt64 = 0

    @Option(help: "States of the exhaustive search per scenario before PCT takes over.")
    var states = 200_000

    @Option(help: "Scenarios checked at once (default: the cores).")
    var jobs = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "K/N: check only scenarios whose index is K-1 modulo N (N hunts cover them once).")
    var shard = "1/1"

    @Option(help: "Where the shrunk scenario and the counterexample are saved.")
    var saveDir = "."

    @Option(help: "Also save every scenario checked, as DIR/generated-SEED.txt.")
    var saveScenarios: String?

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Flag(help: "No progress line on standard error.")
    var quiet = false

    func validate() throws {
        guard (2...ExhaustiveChecker<LinuxScheme>.maxCPUs).contains(maxCPUs) else {
            throw ValidationError("--max-cpus takes 2 to \(ExhaustiveChecker<LinuxScheme>.maxCPUs), found \(maxCPUs)")
        }
        guard (1...20).contains(maxOps) else { throw ValidationError("--max-ops takes 1 to 20, found \(maxOps)") }
        guard budget > 0 else { throw ValidationError("--budget must be positive seconds, found \(budget)") }
        guard states > 0 else { throw ValidationError("--states must be positive, found \(states)") }
        guard (1...64).contains(jobs) else { throw ValidationError("--jobs takes 1 to 64, found \(jobs)") }
        if let scenarios, scenarios <= 0 {
            throw ValidationError("--scenarios must be positive, found \(scenarios)")
        }
        guard parsedShard != nil else { throw ValidationError("--shard takes K/N with 1 <= K <= N, found '\(shard)'") }
    }

    var parsedShard: (index: Int, count: Int)? {
        let parts = shard.split(separator: "/", omittingEmptySubsequences: false).compactMap { Int($0) }
        guard parts.count == 2, parts[1] >= 1, (1...parts[1]).contains(parts[0]) else { return nil }
        return (parts[0], parts[1])
    }

    func run() throws {
        let parsed = try parseScheme(scheme)
        for (option, path) in [("--save-dir", saveDir), ("--save-scenarios", saveScenarios)] {
            var isDirectory: ObjCBool = false
            guard let path else { continue }
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw fail("\(option) '\(path)' is not a directory; create it or name another")
            }
        }
        if try hunt(parsed.base) { throw ExitCode(1) }
    }

    /// Hunts and prints; returns whether a violation was found.
    func hunt<S: Scheme>(_ scheme: S) throws -> Bool {
        let hunter = Hunter(
            scheme: scheme, generator: ScenarioGenerator(scope: .init(maxCPUs: maxCPUs, maxOperations: maxOps)),
            seed: seed, budget: .init(states: states), shard: parsedShard!, jobs: jobs)
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + .milliseconds(Int(budget * 1000))
        let meter = Progress(enabled: !quiet)
        let findings = hunter.run(
            maxScenarios: scenarios, shouldStop: { clock.now >= deadline },
            progress: { count, states in meter.update("scenarios \(count)  states \(states)") })
        meter.finish()
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        if let saveScenarios {
            for finding in findings {
                let file = (saveScenarios as NSString).appendingPathComponent("\(finding.scenario.name).txt")
                do {
                    try (ScenarioFormat.render(finding.scenario) + "\n").write(
                        toFile: file, atomically: true, encoding: .utf8)
                } catch {
                    throw fail("cannot write to --save-scenarios '\(saveScenarios)': \(error.localizedDescription)")
                }
            }
        }
        var found: HuntReport.Found?
        if let last = findings.last, let violation = last.violation {
            found = try shrink(last, kind: violation.kind, hunter)
        }
        let report = HuntReport(scheme: scheme, hunter: hunter, findings: findings, seconds: seconds, violation: found)
        switch format {
        case .json: print(report.json())
        case .text: print(report.text())
        }
        return found != nil
    }

    /// Shrinks the violating scenario, then its schedule, and saves both.
    func shrink<S: Scheme>(_ finding: Hunter<S>.Finding, kind: Violation.Kind, _ hunter: Hunter<S>) throws
        -> HuntReport.Found
    {
        let shrunk = ScenarioShrinker(stillViolates: { hunter.violates($0, kind: kind) != nil }).shrink(
            finding.scenario)
        let schedule = hunter.violates(shrunk, kind: kind) ?? finding.schedule!
        let scenario = hunter.violates(shrunk, kind: kind) != nil ? shrunk : finding.scenario
        let name = "hunt-" + hunter.scheme.name.map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
        let scenarioFile = (saveDir as NSString).appendingPathComponent("\(name)-\(finding.index).txt")
        let exampleFile = (saveDir as NSString).appendingPathComponent("counterexample-\(name)-\(finding.index).json")
        var named = scenario
        named.name = scenarioFile
        named.summary =
            "Found by shootdown hunt --scheme \(hunter.scheme.name) --seed \(seed): scenario \(finding.index), shrunk."
        let text = ScenarioFormat.render(named)
        let steps = Shrinker(scenario: named, scheme: hunter.scheme).shrink(schedule)
        guard
            let example = Counterexample(
                scenario: named, scheme: hunter.scheme, schedule: steps, replay: "shootdown replay \(exampleFile)")
        else { throw fail("internal: the shrunk schedule no longer violates; please report this scenario:\n\(text)") }
        do {
            try (text + "\n").write(toFile: scenarioFile, atomically: true, encoding: .utf8)
            try (JSONOutput.encode(example) + "\n").write(toFile: exampleFile, atomically: true, encoding: .utf8)
        } catch {
            throw fail("cannot write to --save-dir '\(saveDir)': \(error.localizedDescription)")
        }
        return HuntReport.Found(
            kind: kind.rawValue, index: finding.index,
            generatedText: ScenarioFormat.render(finding.scenario), shrunkText: text, shrunkCPUs: scenario.cpuCount,
            shrunkOperations: ScenarioShrinker.operationCount(scenario), scenarioFile: scenarioFile,
            counterexample: example)
    }
}
