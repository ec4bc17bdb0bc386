import Foundation
import ShootdownChecker
import ShootdownModel
import Testing

/// Counterexample files mutated at random go the way `shootdown replay` takes them (decode, the
/// scenario text, the scheme name, the schedule, then the scripted run): each either fails
/// with an error at one of those stages or replays to an outcome; none traps. Unmutated, each
/// reproduces its violation.
@Suite struct CounterexampleFuzzTests {
    /// Real counterexamples, found and shrunk by the checker.
    static let originals: [String] = [
        ("remote-ipi", "linux~no-ipi"), ("seed-thread", "rfc15-buggy"), ("lazy-sleep", "ring-list:size=1~one-short"),
    ].map { scenarioName, schemeName in
        let scenario = BuiltinScenarios.named(scenarioName)!
        let example = try! SchemeCatalog.scheme(named: schemeName).accept(Find(scenario: scenario))!
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try! encoder.encode(example), as: UTF8.self)
    }

    /// Where the replay stopped.
    enum Stage: Hashable {
        case decode, scenario, scheme, schedule
        case replayed(RunOutcome)
    }

    /// `shootdown replay`'s pipeline, in process.
    static func replay(_ text: String) -> Stage {
        guard let saved = try? JSONDecoder().decode(Counterexample.self, from: Data(text.utf8)) else { return .decode }
        guard let scenario = try? saved.parsedScenario() else { return .scenario }
        guard let scheme = try? SchemeCatalog.scheme(named: saved.scheme) else { return .scheme }
        guard let actions = saved.actions else { return .schedule }
        return .replayed(try! scheme.accept(Replay(scenario: scenario, actions: actions)))
    }

    @Test func everyOriginalReproducesItsViolation() {
        for text in Self.originals { #expect(Self.replay(text) == .replayed(.violation)) }
    }

    @Test func mutatedCounterexamplesFailCleanlyOrReplay() throws {
        var draw = SeededGenerator(seed: 5)
        var stages: [Stage: Int] = [:]
        let entries = ["step 0", "step 1", "step 2", "step 9", "irq 0", "irq 1", "preempt 0", "step -1", "jump 1", ""]
        let schemes = ["linux", "ring-union:size=3", "oracle-sw", "linux~no-wait", "ring", "linux:size=2", "~", ""]
        let words = ["0", "1", "-1", "99", "mm=B", "cpu=7", "munmap", "fork", "read", "0-9", ""]
        for _ in 0..<2_000 {
            let original = Self.originals[draw.next(below: Self.originals.count)]
            var text = original
            if draw.next(below: 3) == 0 {
                // A character deleted or inserted anywhere in the file.
                var chars = Array(original)
                let at = draw.next(below: chars.count)
                if draw.next(below: 2) == 0 {
                    chars.remove(at: at)
                } else {
                    chars.insert(Array("\"{}[]:,9 x")[draw.next(below: 10)], at: at)
                }
                text = String(chars)
            } else {
                var saved = try JSONDecoder().decode(Counterexample.self, from: Data(original.utf8))
                switch draw.next(below: 3) {
                case 0:
                    let at = draw.next(below: saved.schedule.count)
                    switch draw.next(below: 3) {
                    case 0: saved.schedule[at] = entries[draw.next(below: entries.count)]
                    case 1: saved.schedule.remove(at: at)
                    default: saved.schedule.insert(saved.schedule[at], at: at)
                    }
                case 1:
                    saved.scheme = schemes[draw.next(below: schemes.count)]
                default:
                    var lines = saved.scenarioText.split(separator: "\n", omittingEmptySubsequences: false).map(
                        String.init)
                    let at = draw.next(below: lines.count)
                    var tokens = lines[at].split(separator: " ", omittingEmptySubsequences: false).map(String.init)
                    tokens[draw.next(below: tokens.count)] = words[draw.next(below: words.count)]
                    lines[at] = tokens.joined(separator: " ")
                    saved.scenarioText = lines.joined(separator: "\n")
                }
                text = String(decoding: try JSONEncoder().encode(saved), as: UTF8.self)
            }
            stages[Self.replay(text), default: 0] += 1
        }
        // Every stage was reached, so every stage's way out was exercised.
        for stage in [Stage.decode, .scenario, .scheme, .schedule, .replayed(.violation), .replayed(.scheduleDiverged)]
        {
            #expect((stages[stage] ?? 0) > 0, "\(stage): \(stages)")
        }
    }

    struct Find: SchemeVisitor {
        let scenario: Scenario
        func visit<S: Scheme>(_ scheme: S) -> Counterexample? {
            let result = ExhaustiveChecker(scenario: scenario, scheme: scheme).run()
            let shrunk = Shrinker(scenario: scenario, scheme: scheme).shrink(result.schedule!)
            return Counterexample(
                scenario: scenario, scheme: scheme, schedule: shrunk, replay: "shootdown replay x.json")
        }
    }

    struct Replay: SchemeVisitor {
        let scenario: Scenario
        let actions: [Action]
        func visit<S: Scheme>(_ scheme: S) -> RunOutcome {
            Runner(scenario: scenario, scheme: scheme, tracing: true).run(.scripted(actions)).outcome
        }
    }
}
