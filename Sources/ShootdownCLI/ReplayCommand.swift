import ArgumentParser
import Foundation
import ShootdownChecker
import ShootdownModel
import ShootdownReport

struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-execute a saved counterexample.",
        discussion: "Exits 1 when the violation reproduces, 0 when it does not, 2 on a bad file."
    )

    @Argument(help: "A counterexample saved by `shootdown check`.")
    var file: String

    @OptionGroup var output: CounterexampleFormatOption

    @OptionGroup var timelineView: TimelineViewOption

    @OptionGroup var html: HTMLOption

    func run() throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw fail("cannot read '\(file)': \(error.localizedDescription)")
        }
        let saved: Counterexample
        do {
            saved = try JSONDecoder().decode(Counterexample.self, from: data)
        } catch {
            throw fail("'\(file)' is not a counterexample saved by `shootdown check`: \(error)")
        }
        let scenario: Scenario
        do {
            scenario = try saved.parsedScenario()
        } catch {
            throw fail("'\(file)': its scenarioText does not parse: \(error.description)")
        }
        let parsed: AnyScheme
        do {
            parsed = try SchemeCatalog.scheme(named: saved.scheme)
        } catch {
            throw fail("'\(file)': \(error.description)")
        }
        guard let actions = saved.actions else {
            throw fail("'\(file)': the schedule has an entry that is not `step N`, `irq N` or `preempt N`")
        }
        if try parsed.accept(Visitor(command: self, scenario: scenario, actions: actions)) { throw ExitCode(1) }
    }

    /// Re-executes `actions` and prints the run; returns whether the violation reproduced.
    func replay<S: Scheme>(_ scenario: Scenario, _ scheme: S, _ actions: [Action]) throws -> Bool {
        let result = Runner(scenario: scenario, scheme: scheme, tracing: true).run(.scripted(actions))
        let report = RunReport(result: result, seed: nil, policy: "replay", replay: "shootdown replay \(file)")
        let example =
            result.violation == nil
            ? nil
            : Counterexample(scenario: scenario, scheme: scheme, schedule: actions, replay: "shootdown replay \(file)")
        try html.write(example, cpus: scenario.cpuCount)
        switch output.format {
        case .json: print(report.json())
        case .markdown: print(example.map(CounterexampleText.markdown) ?? "the violation does not reproduce")
        case .text:
            if timelineView.view != .full, let example {
                let view: CounterexampleText.View = .slice
                print(
                    CounterexampleText.timelines(example, cpus: scenario.cpuCount, view: view).joined(separator: "\n"))
                if timelineView.view == .slice { return true }
                print("")
            }
            print(RunText.render(result, report: report, fullTimeline: true))
            if result.violation == nil {
                print("\nthe violation does not reproduce (outcome \(result.outcome.rawValue))")
            }
        }
        return result.violation != nil
    }
}

extension Replay {
    /// ``replay(_:_:_:)`` with the scheme's concrete type (``AnyScheme/accept(_:)``).
    struct Visitor: SchemeVisitor {
        let command: Replay
        let scenario: Scenario
        let actions: [Action]
        func visit<S: Scheme>(_ scheme: S) throws -> Bool { try command.replay(scenario, scheme, actions) }
    }
}
