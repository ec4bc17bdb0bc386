import Testing

@testable import ShootdownChecker
@testable import ShootdownModel

/// The visited set keeps fingerprints, not states: a field left out of the fingerprint would
/// merge distinct states and hide whatever follows from the one not explored. Over every state
/// reached in the built-in scenarios and in generated ones, equal fingerprints must mean equal
/// states (compared field by field through `==`).
@Suite struct FingerprintSoundnessTests {
    static let builtins = [
        "local-flush", "remote-ipi", "lazy-return", "lazy-sleep", "switch-away", "freed-tables", "ceiling",
        "mprotect", "asid-recycle", "frame-reuse", "seed-thread", "reclaim-madvise", "fork-cow", "racing-writers",
    ]

    func expectFingerprintsSeparate<S: Scheme>(_ scenario: Scenario, _ scheme: S, limit: Int = 10_000) {
        var byFingerprint: [UInt64: StateSpace<S>.Seen] = [:]
        var clashes = 0
        let space = StateSpace(
            scenario: scenario, scheme: scheme, bounds: CheckBounds(maxDepth: 10_000, maxPreemptions: 1))
        space.visitStates(limit: limit) { node in
            let state = StateSpace<S>.Seen(node.world, preemptions: 0)
            var h = StableHasher()
            node.world.fingerprint(into: &h)
            if let other = byFingerprint.updateValue(state, forKey: h.value), other != state {
                clashes += 1
            }
        }
        #expect(clashes == 0, "\(scenario.name) under \(scheme.name): \(clashes) distinct states share a fingerprint")
        #expect(byFingerprint.count > 1)
    }

    @Test(arguments: builtins)
    func builtinStatesHaveTheirOwnFingerprints(_ name: String) throws {
        let scenario = try #require(BuiltinScenarios.named(name))
        expectFingerprintsSeparate(scenario, LinuxScheme())
        expectFingerprintsSeparate(scenario, LinuxScheme(.rfc15))
        expectFingerprintsSeparate(scenario, RingScheme(.list))
        expectFingerprintsSeparate(scenario, OracleScheme(.hardware))
    }

    /// Every scheme and mutant on every built-in scenario (its first 2,000 states): a field only
    /// one kernel version keeps must be fingerprinted too. (Under `linux-6.14`, `.mm(init_mm)`
    /// and `.switching` in `should_flush_tlb()`'s `loaded_mm` read once shared a fingerprint, and
    /// `thp-collapse` and `khugepaged` lost states with sleep sets.)
    @Test(arguments: SchemeCatalog.schemes + SchemeCatalog.mutants)
    func everySchemesStatesHaveTheirOwnFingerprints(_ schemeName: String) throws {
        let scenarios = try BuiltinScenarios.names.map { try #require(BuiltinScenarios.named($0)) }
        try SchemeCatalog.scheme(named: schemeName).accept(Separate(test: self, scenarios: scenarios, limit: 2_000))
    }

    @Test(arguments: SchemeCatalog.schemes)
    func generatedStatesHaveTheirOwnFingerprints(_ schemeName: String) throws {
        let generator = ScenarioGenerator()
        let scenarios = (0..<UInt64(40)).map { generator.scenario(seed: $0) }
        try SchemeCatalog.scheme(named: schemeName).accept(Separate(test: self, scenarios: scenarios, limit: 3_000))
    }

    /// ``expectFingerprintsSeparate(_:_:limit:)`` on each of `scenarios` under the scheme visited.
    struct Separate: SchemeVisitor {
        let test: FingerprintSoundnessTests
        let scenarios: [Scenario]
        let limit: Int

        func visit<S: Scheme>(_ scheme: S) {
            for scenario in scenarios { test.expectFingerprintsSeparate(scenario, scheme, limit: limit) }
        }
    }

    /// The checker fingerprints a successor again only in the CPUs its step changed
    /// (``World/fingerprintReusingCPUs(into:omitting:)``): the search must store the same
    /// fingerprints, in the same order, as with every CPU fingerprinted again. Every scheme and
    /// mutant on every built-in scenario (the first 2,000 states) and on 40 generated ones (the
    /// first 3,000), with the default reductions (whose dead entries change a CPU's fingerprint
    /// without changing the CPU).
    @Test(arguments: SchemeCatalog.schemes + SchemeCatalog.mutants)
    func reusedCPUFingerprintsAreTheWholeOnes(_ schemeName: String) throws {
        let builtins = try BuiltinScenarios.names.map { try #require(BuiltinScenarios.named($0)) }
        let generator = ScenarioGenerator()
        let generated = (0..<UInt64(40)).map { generator.scenario(seed: $0) }
        try SchemeCatalog.scheme(named: schemeName).accept(
            Reused(scenarios: builtins.map { ($0, 2_000) } + generated.map { ($0, 3_000) }))
    }

    /// A CPU whose live pages changed is fingerprinted again though it did not change itself: its
    /// dead entries are not the same. (In the model a thread moves on only in its own CPU's
    /// steps, so the searches above do not get here; the thread is moved back by hand.)
    @Test func aCPUWhoseLivePagesChangedIsFingerprintedAgain() throws {
        let text = "cpus 1\nmm A\n  map 0-1 write populated\nthread t mm=A cpu=0\n  read 0; read 1\n"
        let scenario = try ScenarioFormat.parse(text, source: "live")
        let accessed = AccessedPages(scenario)
        var world = World(scenario: scenario, scheme: LinuxScheme())
        var actions: [Action] = []
        while world.state.threads[0].pc == 0 {
            world.enabledActions(into: &actions)
            world.performEnabled(try #require(actions.first))
        }
        #expect(world.state.cpus[0].tlb.entries.count == 1)
        var h = StableHasher()
        world.fingerprintReusingCPUs(into: &h, omitting: accessed)
        world.state.threads[0].pc = 0
        var reused = StableHasher()
        world.fingerprintReusingCPUs(into: &reused, omitting: accessed)
        var whole = StableHasher()
        world.fingerprint(into: &whole, omitting: accessed)
        #expect(reused.value == whole.value)
        #expect(reused.value != h.value)
    }

    /// ``reusedCPUFingerprintsAreTheWholeOnes(_:)`` under the scheme visited.
    struct Reused: SchemeVisitor {
        let scenarios: [(Scenario, Int)]

        func visit<S: Scheme>(_ scheme: S) {
            for (scenario, limit) in scenarios {
                func stored(reusing: Bool) -> [UInt64] {
                    var checker = ExhaustiveChecker(scenario: scenario, scheme: scheme)
                    checker.fusesMovers = true
                    checker.omitsDeadEntries = true
                    checker.maxStates = limit
                    checker.reusesCPUFingerprints = reusing
                    var fingerprints: [UInt64] = []
                    _ = checker.run(onState: { fingerprints.append($0) })
                    return fingerprints
                }
                let reused = stored(reusing: true)
                let whole = stored(reusing: false)
                #expect(
                    reused == whole, "\(scenario.name) under \(scheme.name): \(reused.count) against \(whole.count)")
            }
        }
    }

    /// States that differ in one event only differ in their fingerprints, whichever events:
    /// events 6 and 70 once shared a bit.
    @Test func everyEventHasItsOwnBit() throws {
        let names = (0..<100).map { "e\($0)" }
        let text =
            "cpus 1\nmm A\nthread t mm=A cpu=0\n  " + names.map { "signal \($0)" }.joined(separator: "; ") + "\n"
        let base = World(scenario: try ScenarioFormat.parse(text, source: "events"), scheme: LinuxScheme()).state
        #expect(base.events.count == 100)
        var fingerprints: Set<UInt64> = [base.fingerprint]
        for event in 0..<100 {
            var state = base
            state.events[event] = true
            fingerprints.insert(state.fingerprint)
        }
        var six = base
        six.events[6] = true
        var seventy = base
        seventy.events[70] = true
        #expect(six.fingerprint != seventy.fingerprint)
        #expect(fingerprints.count == 101)
    }

    /// A scenario of 100 events whose violation happens only after event 70: the checker finds it
    /// under a mutant and passes Linux.
    @Test func outcomeDependingOnEventSeventyIsChecked() throws {
        let early = (0..<70).map { "signal e\($0)" }.joined(separator: "; ")
        let late = (71..<100).map { "signal e\($0)" }.joined(separator: "; ")
        let text = """
            cpus 2
            mm A
              map 0-3 write populated
            thread t0 mm=A cpu=0
              \(early); write 0; signal e70; spin done; write 0; \(late)
            thread t1 mm=A cpu=1
              wait e6; wait e70; madvise 0; signal done
            """
        let scenario = try ScenarioFormat.parse(text, source: "events-100")
        #expect(scenario.events.count == 101)
        let bounds = CheckBounds(maxDepth: 2_000, maxPreemptions: 0)
        let linux = ExhaustiveChecker(scenario: scenario, scheme: LinuxScheme(), bounds: bounds).run()
        #expect(linux.violation == nil)
        let broken = ExhaustiveChecker(scenario: scenario, scheme: LinuxScheme(mutation: .noIPI), bounds: bounds).run()
        #expect(broken.violation?.kind == .staleTranslation)
    }
}
