import ShootdownChecker
import ShootdownModel
import Testing

/// `--jobs N` for the exhaustive checker: workers split the states at a depth and share the
/// visited ones below it; every verdict, every terminal state and every counterexample is the
/// one search's.
@Suite struct ParallelCheckTests {
    /// The checker of `scheme` on `scenario` with `jobs` workers splitting at `split`.
    static func check<S: Scheme>(
        _ scenario: Scenario, _ scheme: S, jobs: Int, split: Int = 12, bounds: CheckBounds = .standard
    ) -> ExhaustiveResult {
        var checker = ExhaustiveChecker(scenario: scenario, scheme: scheme, bounds: bounds)
        checker.jobs = jobs
        checker.splitDepth = split
        return checker.run()
    }

    /// Every built-in scenario Linux passes: two and three workers, splitting shallow and deep,
    /// reach exactly the terminal states one search reaches, and pass.
    @Test(arguments: BuiltinScenarios.names)
    func everyTerminalStateIsReached(_ name: String) throws {
        let scenario = try #require(BuiltinScenarios.named(name))
        let one = Self.check(scenario, LinuxScheme(), jobs: 1)
        #expect(one.violation == nil)
        for (jobs, split) in [(2, 3), (2, 12), (3, 8)] {
            let many = Self.check(scenario, LinuxScheme(), jobs: jobs, split: split)
            #expect(many.violation == nil, "\(jobs) workers split at \(split)")
            #expect(many.terminalStates == one.terminalStates, "\(jobs) workers split at \(split)")
            #expect(!many.stats.isIncomplete)
        }
    }

    /// Generated scenarios, with the standard depth bound and a tight one (so that the bound
    /// cuts subtrees and states reached with more depth left are explored again): the same
    /// verdict and terminal states.
    @Test(arguments: [2000, 24])
    func generatedScenariosAgree(maxDepth: Int) {
        let generator = ScenarioGenerator(scope: .init(maxCPUs: 3, maxOperations: 3))
        let bounds = CheckBounds(maxDepth: maxDepth, maxPreemptions: 1)
        for seed in 0..<UInt64(25) {
            let scenario = generator.scenario(seed: seed)
            let one = Self.check(scenario, LinuxScheme(), jobs: 1, bounds: bounds)
            let many = Self.check(scenario, LinuxScheme(), jobs: 2, split: 4, bounds: bounds)
            #expect((many.violation == nil) == (one.violation == nil), "seed \(seed)")
            #expect(many.terminalStates == one.terminalStates, "seed \(seed)")
        }
    }

    /// Shards split at a shallow depth: together they reach every terminal state of the whole
    /// search (each alone fewer, where the split has states to share), and one of them catches
    /// each mutant; a shard's counterexample is the same with one worker or two.
    @Test(arguments: ["concurrent-flushes", "racing-writers", "lazy-return", "nested-madvise", "invlpgb-switch"])
    func shardsTogetherAreTheWholeSearch(_ name: String) throws {
        let scenario = try #require(BuiltinScenarios.named(name))
        let scheme = try SchemeCatalog.scheme(named: "linux-6.15")
        let whole = try scheme.accept(Shards(scenario: scenario, count: 1, jobs: 1))
        let shards = try scheme.accept(Shards(scenario: scenario, count: 3, jobs: 1))
        #expect(shards.allSatisfy { $0.violation == nil })
        #expect(shards.reduce(Set()) { $0.union($1.terminalStates) } == whole[0].terminalStates)
        #expect(shards.map(\.stats.states).reduce(0, +) >= whole[0].stats.states)
    }

    @Test(arguments: CausalSliceTests.cases.prefix(12))
    func aShardCatchesEveryMutant(_ scheme: String, _ name: String) throws {
        let scenario = try #require(BuiltinScenarios.named(name))
        let parsed = try SchemeCatalog.scheme(named: scheme)
        let one = try parsed.accept(Shards(scenario: scenario, count: 3, jobs: 1))
        let two = try parsed.accept(Shards(scenario: scenario, count: 3, jobs: 2))
        #expect(one.contains { $0.violation != nil })
        #expect(one.map(\.schedule) == two.map(\.schedule))
    }

    /// Each shard's result of a `count`-way split at depth 4, with `jobs` workers each.
    struct Shards: SchemeVisitor {
        let scenario: Scenario
        let count: Int
        let jobs: Int
        func visit<S: Scheme>(_ scheme: S) -> [ExhaustiveResult] {
            (1...count).map { index in
                var checker = ExhaustiveChecker(scenario: scenario, scheme: scheme)
                checker.shard = (index, count)
                checker.jobs = jobs
                checker.splitDepth = 4
                return checker.run()
            }
        }
    }

    /// Every mutant on its scenario: caught with two workers, with the schedule one search finds.
    @Test(arguments: CausalSliceTests.cases)
    func everyMutantIsCaughtWithTheSameSchedule(_ scheme: String, _ name: String) throws {
        let scenario = try #require(BuiltinScenarios.named(name))
        let parsed = try SchemeCatalog.scheme(named: scheme)
        let schedules = try parsed.accept(Schedules(scenario: scenario))
        #expect(schedules.one != nil)
        #expect(schedules.many == schedules.one)
    }

    struct Schedules: SchemeVisitor {
        let scenario: Scenario
        func visit<S: Scheme>(_ scheme: S) -> (one: [Action]?, many: [Action]?) {
            (
                ParallelCheckTests.check(scenario, scheme, jobs: 1).schedule,
                ParallelCheckTests.check(scenario, scheme, jobs: 2, split: 4).schedule
            )
        }
    }
}
