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
              shootdown hunt --differential rfc15 rfc15-buggy --budget 60
            """
    )

    @OptionGroup var schemeOption: SchemeOption

    @Option(
        parsing: .upToNextOption,
        help: "Two schemes A B: hunt scenarios where they disagree (one violates, or flushes fully, the other not).")
    var differential: [String] = []

    @Flag(
        help: """
            First every scenario of the smallest scope (2 CPUs, 2 pages, a thread each of 1-2 \
            operations; 64,000 up to renaming) in canonical order, then the samples from --seed.
            """)
    var enumerate = false

    @Flag(help: "Go on after a violation until the budget: report every distinct bug, each shrunk.")
    var all = false

    @Option(help: "Seconds to hunt for (checked between scenarios; shrinking comes after).")
    var budget = 60.0

    @Option(help: "At most this many scenarios (default: as many as the budget allows).")
    var scenarios: Int?

    @Option(name: .customLong("max-cpus"), help: "The most CPUs of a generated scenario (2-5).")
    var maxCPUs = 3

    @Option(help: "The most operations of a generated thread's script.")
    var maxOps = 4

    @Option(help: "The seed of scenario 0.")
    var seed: UInt64 = 0

    @Option(help: "States of the exhaustive search per scenario before PCT takes over.")
    var states = 200_000

    @Flag(inversion: .prefixedNo, help: "Each scenario's exhaustive search fuses movers (as check).")
    var movers = true

    @Flag(
        inversion: .prefixedNo,
        help: "Each scenario's exhaustive search leaves dead TLB entries out (as check).")
    var deadEntries = true

    @Option(help: "Scenarios checked at once (default: the cores).")
    var jobs = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "K/N: check only scenarios whose index is K-1 modulo N (N hunts cover them once).")
    var shard = "1/1"

    @Option(help: "Where the shrunk scenario and the counterexample are saved.")
    var saveDir = "."

    @Option(help: "Also save every scenario checked, as DIR/generated-SEED.txt.")
    var saveScenarios: String?

    @OptionGroup var output: CounterexampleFormatOption

    @OptionGroup var progress: ProgressOption

    @OptionGroup var timelineView: TimelineViewOption

    @OptionGroup var html: HTMLOption

    func validate() throws {
        guard (2...ExhaustiveChecker<LinuxScheme>.maxCPUs).contains(maxCPUs) else {
            throw ValidationError("--max-cpus takes 2 to \(ExhaustiveChecker<LinuxScheme>.maxCPUs), found \(maxCPUs)")
        }
        guard (1...20).contains(maxOps) else { throw ValidationError("--max-ops takes 1 to 20, found \(maxOps)") }
        // At most 10^9 s (about 32 years): the deadline is counted in milliseconds.
        guard budget > 0, budget <= 1e9 else {
            throw ValidationError("--budget must be positive seconds, at most 1e9, found \(budget)")
        }
        guard states > 0 else { throw ValidationError("--states must be positive, found \(states)") }
        guard (1...64).contains(jobs) else { throw ValidationError("--jobs takes 1 to 64, found \(jobs)") }
        if let scenarios, scenarios <= 0 {
            throw ValidationError("--scenarios must be positive, found \(scenarios)")
        }
        guard differential.isEmpty || differential.count == 2 else {
            throw ValidationError("--differential takes two schemes, found \(differential.count)")
        }
        guard parsedShard != nil else { throw ValidationError("--shard takes K/N with 1 <= K <= N, found '\(shard)'") }
    }

    var parsedShard: (index: Int, count: Int)? { parseShard(shard) }

    func run() throws {
        for (option, path) in [("--save-dir", saveDir), ("--save-scenarios", saveScenarios)] {
            var isDirectory: ObjCBool = false
            guard let path else { continue }
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw fail("\(option) '\(path)' is not a directory; create it or name another")
            }
        }
        let found: Bool
        if differential.isEmpty {
            found = try schemeOption.parsed().accept(Visitor(command: self))
        } else {
            let second = try parseScheme(differential[1])
            found = try parseScheme(differential[0]).accept(DifferentialVisitor(command: self, second: second))
        }
        if found { throw ExitCode(1) }
    }

    func hunter<S: Scheme>(_ scheme: S) -> Hunter<S> {
        var hunter = Hunter(
            scheme: scheme, generator: ScenarioGenerator(scope: .init(maxCPUs: maxCPUs, maxOperations: maxOps)),
            seed: seed, budget: HuntBudget(states: states), shard: parsedShard!, jobs: jobs,
            smallScope: enumerate ? SmallScope() : nil)
        hunter.fusesMovers = movers
        hunter.omitsDeadEntries = deadEntries
        return hunter
    }

    /// Hunts one scheme's violations; returns whether one was found.
    func hunt<S: Scheme>(_ scheme: S) throws -> Bool {
        let hunter = hunter(scheme)
        return try hunt(
            hunter, name: scheme.name, check: { hunter.check($0, index: $1) },
            counterexample: { _, scenario, schedule in counterexample(scheme, scenario, schedule) })
    }

    /// Hunts scenarios where `a` and `b` disagree; returns whether one was found.
    func hunt<A: Scheme, B: Scheme>(_ a: A, against b: B) throws -> Bool {
        let differential = DifferentialHunter(hunter(a), against: b)
        return try hunt(differential.first, name: "\(a.name) vs \(b.name)", check: differential.check) {
            finding, scenario, schedule in
            finding.scheme == a.name ? counterexample(a, scenario, schedule) : counterexample(b, scenario, schedule)
        }
    }

    /// Runs the hunt with `check`, then shrinks the bug it found (the scenario while `check`
    /// finds the same bug in it, then the violating schedule), saves and prints it.
    func hunt<S: Scheme>(
        _ hunter: Hunter<S>, name: String, check: @escaping @Sendable (Scenario, Int) -> HuntFinding,
        counterexample: (HuntFinding, Scenario, [Action]) -> Counterexample?
    ) throws -> Bool {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + .milliseconds(Int(budget * 1000))
        let meter = Progress(enabled: !progress.quiet)
        let findings = hunter.run(
            maxScenarios: scenarios, collectingAll: all, shouldStop: { clock.now >= deadline },
            progress: { count, states in meter.update("scenarios \(count)  states \(states)") }, check: check)
        meter.finish()
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        if let saveScenarios {
            for finding in findings {
                try write(
                    ScenarioFormat.render(finding.scenario) + "\n", to: saveScenarios, "\(finding.scenario.name).txt")
            }
        }
        var report = HuntReport(scheme: name, hunter: hunter, findings: findings, seconds: seconds, violation: nil)
        if all {
            // One of each bug: the first scenario of each scheme, kind and set of kernel
            // functions in its (schedule-shrunk) counterexample.
            var signatures: Set<[String]> = []
            var distinct: [HuntReport.Found] = []
            let bugs = findings.filter(\.isBug)
            for bug in bugs {
                let example = bug.schedule.flatMap { counterexample(bug, bug.scenario, $0) }
                let functions = Set(example?.steps.map(\.function) ?? []).sorted()
                let signature =
                    [bug.scheme, bug.violation?.kind.rawValue ?? "", bug.disagreement?.description ?? ""] + functions
                guard signatures.insert(signature).inserted else { continue }
                distinct.append(try shrink(bug, name: name, check: check, counterexample: counterexample))
            }
            report.distinct = distinct
            report.bugs = bugs.count
            report.violation = distinct.first
        } else if let bug = findings.last, bug.isBug {
            report.violation = try shrink(bug, name: name, check: check, counterexample: counterexample)
        }
        report.result = HuntReport.result(of: report.violation)
        switch output.format {
        case .json: print(report.json())
        case .text: print(report.text(view: timelineView.view))
        case .markdown: print(report.markdown())
        }
        try html.write(report.violation?.counterexample, cpus: report.violation?.shrunkCPUs ?? 0)
        return report.violation != nil
    }

    /// Shrinks `bug`'s scenario while `check` finds the same bug in it, then its schedule, and
    /// saves both.
    func shrink(
        _ bug: HuntFinding, name: String, check: @escaping @Sendable (Scenario, Int) -> HuntFinding,
        counterexample: (HuntFinding, Scenario, [Action]) -> Counterexample?
    ) throws -> HuntReport.Found {
        let shrunk = ScenarioShrinker(stillViolates: { check($0, 0).isSameBug(as: bug) }).shrink(bug.scenario)
        let again = check(shrunk, 0)
        let scenario = again.isSameBug(as: bug) ? shrunk : bug.scenario
        let file = "hunt-" + name.map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined() + "-\(bug.index)"
        var named = scenario
        named.name = (saveDir as NSString).appendingPathComponent(file + ".txt")
        named.summary = "Found by shootdown hunt (\(name)) --seed \(seed): scenario \(bug.index), shrunk."
        let text = ScenarioFormat.render(named)
        try write(text + "\n", to: saveDir, file + ".txt")
        let schedule = again.isSameBug(as: bug) ? again.schedule : bug.schedule
        let example = schedule.flatMap { counterexample(again, named, $0) }
        if let example { try write(JSONOutput.encode(example) + "\n", to: saveDir, "counterexample-\(file).json") }
        return HuntReport.Found(
            kind: bug.violation?.kind.rawValue ?? "none", disagreement: bug.disagreement?.description,
            violatingScheme: bug.violation == nil ? nil : bug.scheme, index: bug.index,
            generatedText: ScenarioFormat.render(bug.scenario), shrunkText: text, shrunkCPUs: scenario.cpuCount,
            shrunkOperations: ScenarioShrinker.operationCount(scenario), scenarioFile: named.name,
            counterexample: example)
    }

    /// The shrunk counterexample of `schedule` under `scheme`, replayed from its saved file.
    func counterexample<S: Scheme>(_ scheme: S, _ scenario: Scenario, _ schedule: [Action]) -> Counterexample? {
        let steps = Shrinker(scenario: scenario, scheme: scheme).shrink(schedule)
        let base = (scenario.name as NSString).lastPathComponent.replacingOccurrences(of: ".txt", with: "")
        let file = (saveDir as NSString).appendingPathComponent("counterexample-\(base).json")
        return Counterexample(scenario: scenario, scheme: scheme, schedule: steps, replay: "shootdown replay \(file)")
    }

    func write(_ text: String, to directory: String, _ name: String) throws {
        do {
            try text.write(
                toFile: (directory as NSString).appendingPathComponent(name), atomically: true, encoding: .utf8)
        } catch {
            throw fail("cannot write to '\(directory)': \(error.localizedDescription)")
        }
    }
}

extension Hunt {
    /// ``hunt(_:)`` with the scheme's concrete type (``AnyScheme/accept(_:)``).
    struct Visitor: SchemeVisitor {
        let command: Hunt
        func visit<S: Scheme>(_ scheme: S) throws -> Bool { try command.hunt(scheme) }
    }

    /// ``hunt(_:against:)`` with both schemes' concrete types: the first, then the second.
    struct DifferentialVisitor: SchemeVisitor {
        let command: Hunt
        let second: AnyScheme
        func visit<A: Scheme>(_ first: A) throws -> Bool {
            try second.accept(Against(command: command, first: first))
        }
    }

    struct Against<A: Scheme>: SchemeVisitor {
        let command: Hunt
        let first: A
        func visit<B: Scheme>(_ second: B) throws -> Bool { try command.hunt(first, against: second) }
    }
}
