import ShootdownChecker
import ShootdownModel
import Testing

/// The mutation score of `shootdown hunt`: every built-in mutant is broken by a generated
/// scenario, none of them the mutant's named built-in one. Each case is the first scenario that
/// `shootdown hunt --scheme MUTANT` (seed 0) found violating (docs/hunt.md has the table, with the
/// scenarios and seconds the whole hunt took); the test checks that scenario alone, so it fails
/// when the generator stops producing it or the checker stops finding the bug in it. Unmodified
/// Linux passes every one of them. A generator change renumbers the scenarios: run
/// `bash scripts/hunt-mutation-score.sh` again and update both.
@Suite struct HuntMutationScoreTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var mutant: String
        var index: Int
        var maxCPUs = 3
        var testDescription: String { "\(mutant) in scenario \(index)" }
    }

    static let cases = [
        Case(mutant: "linux~no-ipi", index: 2),
        Case(mutant: "linux~no-lazy-catchup", index: 9),
        Case(mutant: "linux~no-switch-catchup", index: 9),
        Case(mutant: "linux~partial-always", index: 4),
        Case(mutant: "linux~no-nested-flush", index: 89),
        Case(mutant: "linux~free-before-flush", index: 2),
        Case(mutant: "linux~no-wait", index: 2),
        Case(mutant: "linux~accessible-ignores-pending", index: 30),
        Case(mutant: "linux~early-dec-pending", index: 30),
        Case(mutant: "linux~no-batched-pending", index: 111),
        Case(mutant: "linux~no-anon-exclusive", index: 30),
        Case(mutant: "linux~pcid-assumed", index: 26),
        Case(mutant: "linux~zero-page-no-flush", index: 3),
        Case(mutant: "linux~mremap-flush-unlocked", index: 43_721),
        Case(mutant: "linux~lazy-freed-tables", index: 2),
        Case(mutant: "linux~move-before-batch-flush", index: 68),
        Case(mutant: "linux~thp-split-no-flush", index: 722),
        Case(mutant: "linux~cve-2025-22045", index: 604),
        Case(mutant: "linux-6.6.y~cve-2025-37964", index: 200),
        Case(mutant: "linux-6.6.y~switching-after-gen", index: 200),
        Case(mutant: "linux-6.6.y~no-switching-check", index: 200),
        Case(mutant: "linux-6.14~cve-2025-37964", index: 200),
        Case(mutant: "linux-6.14~cve-2025-40174", index: 216),
        Case(mutant: "linux-6.15~no-tlbsync", index: 2),
        Case(mutant: "linux-6.15~no-transition-check", index: 2),
        Case(mutant: "linux-6.15~no-switching-wait", index: 72),
        Case(mutant: "linux-6.15~batch-global-only", index: 68),
        Case(mutant: "rfc15-buggy", index: 2),
        Case(mutant: "ring-list:size=1~no-overflow-check", index: 4),
        Case(mutant: "ring-list:size=1~publish-before-fill", index: 10),
        Case(mutant: "ring-list:size=1~one-short", index: 2),
        Case(mutant: "ring-list:size=1~skip-unpublished", index: 9),
        Case(mutant: "ring-list:size=1~overtaken-race", index: 29),
    ]

    func check<S: Scheme>(_ scheme: S, _ bug: Case, budget: HuntBudget = HuntBudget()) -> HuntFinding {
        let generator = ScenarioGenerator(scope: .init(maxCPUs: bug.maxCPUs))
        var hunter = Hunter(scheme: scheme, generator: generator, budget: budget)
        // As `shootdown hunt` runs by default.
        hunter.fusesMovers = true
        hunter.omitsDeadEntries = true
        return hunter.check(hunter.scenario(bug.index).scenario, index: bug.index)
    }

    @Test(arguments: cases)
    func generatedScenarioBreaksTheMutantAndNotLinux(_ bug: Case) throws {
        let found = try SchemeCatalog.scheme(named: bug.mutant).accept(Visitor(test: self, bug: bug))
        #expect(found.violation != nil)
        #expect(!BuiltinScenarios.names.contains(found.scenario.name))
        // Linux, and the scheme the mutant breaks, on a smaller budget (the whole hunt under
        // linux is the full check).
        let small = HuntBudget(states: 20_000, randomRuns: 50)
        #expect(check(LinuxScheme(), bug, budget: small).violation == nil)
        if bug.mutant.contains("~") {
            let base = String(bug.mutant.prefix { $0 != "~" })
            let unmutated = try SchemeCatalog.scheme(named: base).accept(Visitor(test: self, bug: bug, budget: small))
            #expect(unmutated.violation == nil, "\(base)")
        }
    }

    struct Visitor: SchemeVisitor {
        let test: HuntMutationScoreTests
        let bug: Case
        var budget = HuntBudget()
        func visit<S: Scheme>(_ scheme: S) -> HuntFinding { test.check(scheme, bug, budget: budget) }
    }

    /// Every built-in mutant has its case (a new mutant needs its hunt).
    @Test func everyMutantIsHunted() {
        let hunted = Set(Self.cases.map(\.mutant))
        for mutant in SchemeCatalog.mutants {
            let name =
                mutant.hasPrefix("ring-list~")
                ? mutant.replacingOccurrences(of: "ring-list~", with: "ring-list:size=1~") : mutant
            #expect(hunted.contains(name), "\(mutant) has no hunt case")
        }
        #expect(hunted.contains("rfc15-buggy"))
    }
}
