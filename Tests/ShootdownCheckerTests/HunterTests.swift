import ShootdownChecker
import ShootdownModel
import Testing

/// `shootdown hunt`'s engine: it finds a mutant's bug in a generated scenario, reports the
/// first violating scenario whatever the number of workers, shards cover every scenario once,
/// and the shrunk scenario is locally minimal and still violates.
@Suite struct HunterTests {
    /// Hunts from seed 0, where scenario 2 is the first to break `linux~no-ipi` (its munmap
    /// frees a page table another CPU still caches) and scenario 3 breaks it through a read of
    /// an entry a zap on another CPU should have shot down.
    func hunter(jobs: Int, scheme: LinuxScheme = LinuxScheme(mutation: .noIPI)) -> Hunter<LinuxScheme> {
        Hunter(scheme: scheme, seed: 0, budget: HuntBudget(states: 20_000, randomRuns: 100), jobs: jobs)
    }

    @Test(arguments: [1, 2])
    func findsTheFirstViolatingScenarioWhateverTheWorkers(jobs: Int) throws {
        let findings = hunter(jobs: jobs).run(maxScenarios: 20)
        let last = try #require(findings.last)
        #expect(findings.count == 3)
        #expect(last.index == 2)
        #expect(last.violation?.kind == .freedTableWalk)
        #expect(findings.dropLast().allSatisfy { $0.violation == nil })
    }

    /// With movers fused and dead entries left out, every scenario's verdict is the same, and
    /// more of them are searched whole within the state budget.
    @Test func reductionsKeepTheVerdicts() throws {
        var plain = Hunter(scheme: LinuxScheme(), seed: 0, budget: HuntBudget(states: 5_000, randomRuns: 0), jobs: 2)
        var reduced = plain
        reduced.fusesMovers = true
        reduced.omitsDeadEntries = true
        for scheme in [LinuxScheme(), LinuxScheme(mutation: .noIPI)] {
            plain.scheme = scheme
            reduced.scheme = scheme
            let a = plain.run(maxScenarios: 30, collectingAll: true)
            let b = reduced.run(maxScenarios: 30, collectingAll: true)
            #expect(a.map(\.index) == b.map(\.index))
            for (x, y) in zip(a, b) where x.isComplete && y.isComplete {
                #expect(x.violation?.kind == y.violation?.kind, "scenario \(x.index)")
            }
            #expect(b.filter(\.isComplete).count >= a.filter(\.isComplete).count)
            #expect(zip(a, b).allSatisfy { $0.isComplete ? $1.isComplete : true })
        }
    }

    @Test func linuxPassesTheSameScenarios() {
        let findings = hunter(jobs: 2, scheme: LinuxScheme()).run(maxScenarios: 10)
        #expect(findings.count == 10)
        #expect(findings.allSatisfy { $0.violation == nil })
        #expect(findings.map(\.index) == Array(0..<10))
    }

    @Test func shardsCoverEveryScenarioOnce() {
        let all = Hunter(scheme: LinuxScheme(), shard: (1, 1))
        let shards = (1...3).map { Hunter(scheme: LinuxScheme(), shard: ($0, 3)) }
        var covered: [Int] = []
        for shard in shards { covered += (0..<4).map { shard.scenario($0).index } }
        #expect(covered.sorted() == Array(0..<12))
        for shard in shards {
            let (index, scenario) = shard.scenario(2)
            #expect(scenario == all.scenario(index).scenario)
        }
    }

    @Test func shrunkScenarioStillViolatesAndNoSingleRemovalDoes() throws {
        let hunter = hunter(jobs: 1)
        let bug = hunter.check(hunter.scenario(3).scenario, index: 3)
        #expect(bug.isBug && bug.violation?.kind == .staleTranslation)
        let shrinker = ScenarioShrinker(stillViolates: { hunter.check($0, index: 0).isSameBug(as: bug) })
        let shrunk = shrinker.shrink(bug.scenario)
        #expect(hunter.check(shrunk, index: 0).isSameBug(as: bug))
        #expect(ScenarioShrinker.operationCount(shrunk) < ScenarioShrinker.operationCount(bug.scenario))
        #expect(shrunk.cpuCount == 2 && ScenarioShrinker.operationCount(shrunk) <= 4)
        // 1-minimal: the shrinker stopped because no one-step reduction still violates.
        #expect(shrinker.shrink(shrunk) == shrunk)
        let linux = Hunter(scheme: LinuxScheme(), budget: hunter.budget)
        #expect(linux.check(shrunk, index: 0).violation == nil)
    }

    /// A differential hunt reports the first scenario where the schemes disagree: one violates
    /// and the other passes, or both pass with different full flushes on the round-robin
    /// schedule; schemes that agree are no finding.
    @Test func differentialHuntFindsWhereTheSchemesDisagree() throws {
        let broken = hunter(jobs: 2)
        let differential = DifferentialHunter(broken, against: LinuxScheme())
        let findings = broken.run(maxScenarios: 20, check: differential.check)
        // Scenario 2: linux~no-ipi frees a page table another CPU caches, Linux passes.
        let first = try #require(findings.last)
        #expect(first.index == 2)
        #expect(first.scheme == "linux~no-ipi" && first.violation?.kind == .freedTableWalk)
        #expect(first.disagreement == .verdict(passes: "linux"))
        // Scenario 3: linux~no-ipi reads a stale entry where Linux passes.
        let scenario = broken.scenario(3).scenario
        let verdict = differential.check(scenario, index: 3)
        #expect(verdict.isBug && verdict.scheme == "linux~no-ipi" && verdict.violation?.kind == .staleTranslation)
        #expect(verdict.disagreement == .verdict(passes: "linux"))
        let agreeing = DifferentialHunter(broken, against: LinuxScheme(mutation: .noIPI))
        #expect(!agreeing.check(scenario, index: 3).isBug)
        #expect(!agreeing.check(first.scenario, index: 2).isBug)
        // Both pass on lazy-return, where the lazy CPU's return flushes fully under Linux and
        // catches up with the ring's one slot under the ring.
        let lazyReturn = try #require(BuiltinScenarios.named("lazy-return"))
        let ring = RingScheme(.list, size: 1)
        let flushes = DifferentialHunter(Hunter(scheme: ring, budget: broken.budget), against: LinuxScheme())
            .check(lazyReturn, index: 0)
        #expect(flushes.violation == nil)
        #expect(flushes.disagreement == .fullFlushes(flushes: "linux", other: ring.name))
    }
}
