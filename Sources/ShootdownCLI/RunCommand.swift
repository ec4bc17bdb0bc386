import ArgumentParser
import ShootdownChecker
import ShootdownModel
import ShootdownReport

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run one seeded schedule of a scenario to its end and print the counters.",
        discussion: """
            Exits 0 when the run completes, 1 when it finds a violation (the timeline and the \
            replay command are printed), 2 on bad input.

            Examples:
              shootdown run --scenario lazy-return --seed 4 --timeline
              shootdown run --scenario remote-ipi --scheme linux~no-ipi --policy round-robin
            """
    )

    @OptionGroup var scenarioOption: ScenarioOption

    @OptionGroup var schemeOption: SchemeOption

    @Option(help: "The seed of the random schedule.")
    var seed: UInt64 = 0

    @Option(help: "random: seeded random schedule; round-robin: CPUs take turns (one canonical schedule).")
    var policy: PolicyOption = .random

    @OptionGroup var output: FormatOption

    @Flag(help: "Print the whole timeline, not only on a violation.")
    var timeline = false

    @OptionGroup var html: HTMLOption

    @Option(help: "Give up after this many steps.")
    var maxSteps = 100_000

    enum PolicyOption: String, ExpressibleByArgument, CaseIterable {
        case random
        case roundRobin = "round-robin"
    }

    func validate() throws {
        guard maxSteps > 0 else { throw ValidationError("--max-steps must be positive, found \(maxSteps)") }
    }

    func run() throws {
        let scenario = try scenarioOption.load()
        if try schemeOption.parsed().accept(Visitor(command: self, scenario: scenario)) { throw ExitCode(1) }
    }

    /// Runs and prints; returns whether a violation was found.
    func execute<S: Scheme>(scenario: Scenario, scheme: S) throws -> Bool {
        let runner = Runner(scenario: scenario, scheme: scheme, maxSteps: maxSteps, tracing: true)
        let result = runner.run(policy == .random ? .random(seed: seed) : .roundRobin)
        var replay = "shootdown run --scenario \(scenarioOption.scenario) --scheme \(scheme.name)"
        replay += policy == .random ? " --seed \(seed)" : " --policy round-robin"
        let report = RunReport(
            result: result, seed: policy == .random ? seed : nil, policy: policy.rawValue, replay: replay)
        switch output.format {
        case .json:
            print(report.json())
        case .text:
            print(RunText.render(result, report: report, fullTimeline: timeline))
        }
        if html.html != nil {
            // The run's schedule as it is, not shrunk: the page shows this run.
            let example =
                result.violation == nil
                ? nil : Counterexample(scenario: scenario, scheme: scheme, schedule: result.schedule, replay: replay)
            try html.write(example, cpus: scenario.cpuCount)
        }
        return result.violation != nil
    }
}

extension Run {
    /// ``execute(scenario:scheme:)`` with the scheme's concrete type (``AnyScheme/accept(_:)``).
    struct Visitor: SchemeVisitor {
        let command: Run
        let scenario: Scenario
        func visit<S: Scheme>(_ scheme: S) throws -> Bool { try command.execute(scenario: scenario, scheme: scheme) }
    }
}
