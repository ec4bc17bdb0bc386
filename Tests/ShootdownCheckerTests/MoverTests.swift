import ShootdownModel
import Testing

@testable import ShootdownChecker

/// Lipton's reduction (``ExhaustiveChecker/fusesMovers``) stores fewer states, so it is held to
/// what must not change: the verdict, the violation found (and its schedule, one step an
/// action, replays it), and the terminal states.
@Suite struct MoverTests {
    /// The search without movers, with them, and with them and source sets.
    static let compared = [Reductions(), Reductions(movers: true), Reductions(sourceSets: true, movers: true)]

    /// Replays `schedule` one step an action: the violation it reaches, if any.
    struct Replay: SchemeVisitor {
        let scenario: Scenario
        let schedule: [Action]
        func visit<S: Scheme>(_ scheme: S) -> Violation.Kind? {
            let run = Runner(scenario: scenario, scheme: scheme).run(.scripted(schedule))
            return run.outcome == .violation ? run.violation?.kind : nil
        }
    }

    /// Every built-in scenario under every scheme: the same verdict and violation kind, the same
    /// terminal states when it passes, and never more states; with source sets on top too.
    @Test(arguments: BuiltinScenarios.names)
    func builtinScenariosAgree(_ name: String) throws {
        let scenario = try #require(BuiltinScenarios.named(name))
        for (scheme, results) in try Reductions.underEveryScheme(scenario, Self.compared) {
            for fused in results.dropFirst() {
                #expect(fused.fusesMovers)
                Reductions.expect(fused, keeps: results[0], "\(scheme)")
            }
        }
    }

    /// Every mutant is caught on the scenarios that catch it without movers, and the schedule
    /// reported, one step an action, reaches the same violation when replayed.
    @Test(arguments: CausalSliceTests.cases)
    func everyMutantIsCaught(_ scheme: String, _ name: String) throws {
        let scenario = try #require(BuiltinScenarios.named(name))
        let parsed = try SchemeCatalog.scheme(named: scheme)
        let results = try parsed.accept(Reductions.Searches(scenario: scenario, reductions: Self.compared))
        let kind = try #require(results[0].violation?.kind)
        for fused in results.dropFirst() {
            #expect(fused.violation?.kind == kind)
            let schedule = try #require(fused.schedule)
            #expect(try parsed.accept(Replay(scenario: scenario, schedule: schedule)) == kind)
        }
    }

    /// Generated scenarios (hunt's grammar, up to three CPUs; those past 200,000 states left
    /// out, for time): the same verdicts and terminal states, under Linux and two mutants that
    /// break the waits and acknowledgements the reduction moves.
    @Test(arguments: ["linux", "linux~no-wait", "linux~no-lazy-catchup", "linux-6.15"])
    func generatedScenariosAgree(_ scheme: String) throws {
        try Reductions.expectGeneratedScenariosAgree(scheme, Reductions(movers: true))
    }

    /// The states it saves, on three built-in scenarios (deterministic: one worker). Each move
    /// counts: without the lock steps, the completed waits, the IPI deliveries, the
    /// acknowledgements, the releases, the returns into a blocked wait, the steps that touch
    /// nothing shared (a lazy CPU's switch to `init_mm`) or the spins that find their event
    /// signalled, the figures are larger.
    @Test func fewerStates() throws {
        try Reductions.expectStates(
            Reductions(movers: true),
            [
                ("concurrent-flushes", 16_940, 4_707), ("nested-madvise", 58_194, 13_235),
                ("switch-in-flush", 1_956, 1_554),
            ])
    }
}
