import ShootdownModel

/// What `shootdown demo` shows, computed (the report renders it): the schemes on the seed
/// thread's scenario, exhaustively, with the buggy RFC's shrunk counterexample; flush counts of
/// Linux, the RFC's fix and the ring over random schedules of every built-in scenario; and each
/// mutant with the first built-in scenario where the checker catches it.
public struct DemoFindings: Sendable {
    /// One scheme's exhaustive check of `seed-thread`.
    public struct Verdict: Sendable {
        public var scheme: String
        /// The violation's kind, or `nil` for a pass.
        public var violation: Violation.Kind?
        public var states: Int
        public var transitions: Int
    }

    /// One built-in scenario's counters, summed over the random schedules.
    public struct CostRow: Sendable {
        public var scenario: String
        public var linux: Counters
        public var rfc15: Counters
        public var ring: Counters
        /// Violations of `rfc15-buggy` over the same schedules.
        public var buggyViolations: Int
    }

    /// A mutant and the first built-in scenario that catches it (`nil`: none does).
    public struct MutantRow: Sendable {
        public var mutant: String
        public var scenario: String?
        public var states: Int
        public var shrunkSteps: Int
        public var violation: Violation.Kind?
    }

    public var seedThread: [Verdict] = []
    /// The first violating scheme's shrunk counterexample on `seed-thread`.
    public var seedThreadCounterexample: Counterexample?
    /// Random schedules per scenario behind ``costs``.
    public var seeds: Int
    public var costs: [CostRow] = []
    /// The ring's name, as the cost table's note shows it.
    public var ringName: String
    public var mutants: [MutantRow] = []
    /// The first caught mutant's shrunk counterexample.
    public var firstCatch: Counterexample?

    /// Runs the showcase over seeds `0..<seeds`.
    public init(seeds: Int) {
        self.seeds = seeds
        let ring = RingScheme()
        ringName = ring.name
        let scenario = BuiltinScenarios.named("seed-thread")!
        func check<S: Scheme>(_ scheme: S) {
            let result = ExhaustiveChecker(scenario: scenario, scheme: scheme).run()
            seedThread.append(
                Verdict(
                    scheme: scheme.name, violation: result.violation?.kind, states: result.stats.states,
                    transitions: result.stats.transitions))
            guard let schedule = result.schedule, result.violation != nil else { return }
            seedThreadCounterexample = Counterexample(
                scenario: scenario, scheme: scheme,
                schedule: Shrinker(scenario: scenario, scheme: scheme).shrink(schedule),
                replay: "shootdown check --scenario seed-thread --scheme \(scheme.name)")
        }
        check(LinuxScheme(.rfc15Buggy))
        check(LinuxScheme(.rfc15))
        check(LinuxScheme(.linux))
        check(ring)
        for name in BuiltinScenarios.names {
            let scenario = BuiltinScenarios.named(name)!
            costs.append(
                CostRow(
                    scenario: name, linux: Self.totals(scenario, LinuxScheme(), seeds: seeds),
                    rfc15: Self.totals(scenario, LinuxScheme(.rfc15), seeds: seeds),
                    ring: Self.totals(scenario, ring, seeds: seeds),
                    buggyViolations: Self.totals(scenario, LinuxScheme(.rfc15Buggy), seeds: seeds).violations))
        }
        for mutation in LinuxScheme.Mutation.allCases { search(LinuxScheme(mutation: mutation)) }
        // The newer kernels' CVEs (their named scenario is `switch-in-flush`).
        for mutation in Linux66yScheme.Mutation.allCases { search(Linux66yScheme(mutation: mutation)) }
        for mutation in Linux614Scheme.Mutation.allCases { search(Linux614Scheme(mutation: mutation)) }
        // 6.15's broadcast rules matter only on a machine with INVLPGB: elsewhere it is 6.14.
        let broadcastScenarios = BuiltinScenarios.names.filter { BuiltinScenarios.named($0)!.hasINVLPGB }
        for mutation in Linux615Scheme.Mutation.allCases {
            search(Linux615Scheme(mutation: mutation), among: broadcastScenarios)
        }
        // A one-slot ring wraps at every second generation: the ring mutants' windows open there.
        for mutation in RingScheme.Mutation.allCases { search(RingScheme(size: 1, mutation: mutation)) }
    }

    /// Counters summed over `seeds` random schedules.
    static func totals<S: Scheme>(_ scenario: Scenario, _ scheme: S, seeds: Int) -> Counters {
        let runner = Runner(scenario: scenario, scheme: scheme)
        var total = Counters()
        for seed in 0..<seeds {
            total.add(runner.run(.random(seed: UInt64(seed))).counters)
        }
        return total
    }

    /// The first built-in scenario (of `names`, in order) where the exhaustive checker catches
    /// `scheme`.
    mutating func search<S: Scheme>(_ scheme: S, among names: [String] = BuiltinScenarios.names) {
        for name in names {
            let scenario = BuiltinScenarios.named(name)!
            let result = ExhaustiveChecker(scenario: scenario, scheme: scheme).run()
            guard let violation = result.violation, let schedule = result.schedule else { continue }
            let shrunk = Shrinker(scenario: scenario, scheme: scheme).shrink(schedule)
            mutants.append(
                MutantRow(
                    mutant: scheme.name, scenario: name, states: result.stats.states, shrunkSteps: shrunk.count,
                    violation: violation.kind))
            if firstCatch == nil {
                firstCatch = Counterexample(
                    scenario: scenario, scheme: scheme, schedule: shrunk,
                    replay: "shootdown check --scenario \(name) --scheme \(scheme.name)")
            }
            return
        }
        mutants.append(MutantRow(mutant: scheme.name, scenario: nil, states: 0, shrunkSteps: 0, violation: nil))
    }
}
