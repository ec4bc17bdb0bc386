import ShootdownChecker
import ShootdownModel
import Testing

/// The flush ring: correct on every built-in scenario at every size and switch setting, each
/// mutant caught, Linux's rule reproduced by a one-slot ring, and ranged flushes where Linux
/// and the RFC's fix flush fully.
@Suite struct RingTests {
    /// Every variant, size and switch setting the issue asks to check.
    static let configurations: [RingScheme] = RingScheme.Variant.allCases.flatMap { variant in
        [1, 2, 4, 8].flatMap { size in
            RingScheme.SwitchCatchUp.allCases.map { RingScheme(variant, size: size, switchCatchUp: $0) }
        }
    }

    @Test(arguments: configurations)
    func ringPassesEveryBuiltinScenario(_ ring: RingScheme) throws {
        for name in BuiltinScenarios.names {
            let scenario = try #require(BuiltinScenarios.named(name))
            let result = ExhaustiveChecker(scenario: scenario, scheme: ring).run()
            #expect(result.violation == nil, "\(ring.name) on \(name): \(result.violation.map { "\($0.kind)" } ?? "")")
            #expect(result.stats.depthBoundHits == 0)
        }
    }

    /// Mutant, the scenario and ring size that expose it, and the most steps its shrunk
    /// counterexample may have.
    static let mutants: [(RingScheme.Mutation, String, Int, Int)] = [
        (.noOverflowCheck, "racing-writers", 1, 40),
        (.publishBeforeFill, "lazy-sleep", 1, 30),
        (.oneShort, "lazy-sleep", 2, 20),
        (.skipUnpublished, "lazy-sleep", 1, 30),
        (.overtakenRace, "racing-writers", 1, 45),
    ]

    @Test func everyRingMutantIsInTheTable() {
        #expect(Set(Self.mutants.map(\.0)) == Set(RingScheme.Mutation.allCases))
    }

    @Test(arguments: mutants)
    func exhaustiveCheckCatchesTheRingMutant(
        _ mutation: RingScheme.Mutation, _ name: String, _ size: Int, _ maxSteps: Int
    ) throws {
        let scenario = try #require(BuiltinScenarios.named(name))
        for variant in RingScheme.Variant.allCases {
            let scheme = RingScheme(variant, size: size, mutation: mutation)
            let result = ExhaustiveChecker(scenario: scenario, scheme: scheme).run()
            let schedule = try #require(result.schedule, "\(scheme.name) not caught on \(name)")
            let violation = try #require(result.violation)
            let shrunk = Shrinker(scenario: scenario, scheme: scheme).shrink(schedule)
            #expect(shrunk.count <= maxSteps)
            let replay = Runner(scenario: scenario, scheme: scheme).run(.scripted(shrunk))
            #expect(replay.violation?.kind == violation.kind)
            // The same schedule under the correct ring is safe.
            var correct = scheme
            correct.mutation = nil
            #expect(Runner(scenario: scenario, scheme: correct).run(.scripted(shrunk)).violation == nil)
        }
    }

    @Test func randomModeFindsARingMutantAndItsSeedReplays() throws {
        let scenario = try #require(BuiltinScenarios.named("racing-writers"))
        let scheme = RingScheme(size: 1, mutation: .overtakenRace)
        let result = RandomChecker(scenario: scenario, scheme: scheme, strategy: .pct, depth: 3, runs: 4000, seed: 0)
            .run()
        let seed = try #require(result.failingSeed)
        let again = RandomChecker(scenario: scenario, scheme: scheme, strategy: .pct, depth: 3, runs: 1, seed: seed)
            .run()
        #expect(again.failingRun == 0)
        #expect(again.schedule == result.schedule)
    }

    /// Scenarios whose only generations are flushes: no protection change and no reclaim.
    static let withoutDeferredChanges = BuiltinScenarios.names.filter { name in
        let scenario = BuiltinScenarios.named(name)!
        return !scenario.threads.contains { thread in
            thread.script.contains { op in
                switch op {
                case .mprotect, .numaHint, .reclaim: true
                default: false
                }
            }
        }
    }

    @Test(arguments: withoutDeferredChanges)
    func aOneSlotRingIsLinux(_ name: String) throws {
        // Linux's partial rule (new_tlb_gen == local + 1 == mm_tlb_gen) is a ring of one slot;
        // any difference is a bug in one of the two models.
        let scenario = try #require(BuiltinScenarios.named(name))
        let linux = Runner(scenario: scenario, scheme: LinuxScheme())
        let ring = Runner(scenario: scenario, scheme: RingScheme(.list, size: 1, switchCatchUp: .full))
        for seed in UInt64(0)..<100 {
            var counters = ring.run(.random(seed: seed)).counters
            counters.ringSlotsRead = 0  // the one counter Linux has no use for
            #expect(linux.run(.random(seed: seed)).counters == counters, "seed \(seed)")
        }
    }

    @Test func theRingFlushesRangesWhereLinuxFlushesFully() throws {
        // concurrent-flushes: cpu2 is two generations behind when the IPIs arrive.
        let scenario = try #require(BuiltinScenarios.named("concurrent-flushes"))
        let linux = Runner(scenario: scenario, scheme: LinuxScheme()).run(.roundRobin).counters
        #expect(linux.fullFlushes == 3)
        #expect(linux.rangedFlushes == 0)
        #expect(linux.entriesFlushed == 3)
        let rfc15 = Runner(scenario: scenario, scheme: LinuxScheme(.rfc15)).run(.roundRobin).counters
        #expect(rfc15.fullFlushes == 3)
        #expect(rfc15.rangedFlushes == 0)
        let list = Runner(scenario: scenario, scheme: RingScheme(.list)).run(.roundRobin).counters
        #expect(list.violations == 0)
        #expect(list.fullFlushes == 0)
        #expect(list.rangedFlushes == 3)
        #expect(list.pagesInvalidated == 6)
        #expect(list.entriesFlushed == 0)
        // Nadav's union flushes pages 0-2 where the list flushes 0 and 2.
        let union = Runner(scenario: scenario, scheme: RingScheme(.union)).run(.roundRobin).counters
        #expect(union.rangedFlushes == 3)
        #expect(union.pagesInvalidated == 9)
    }

    @Test func aSwitchPastFreedPageTablesFlushesFully() throws {
        // freed-tables: cpu0, lazy while cpu1's munmap freed the page table, returns to A
        // later: its paging-structure caches may point at the freed table, so the ring's
        // catch-up must not be ranged.
        let scenario = try #require(BuiltinScenarios.named("freed-tables"))
        let ranged = Runner(scenario: scenario, scheme: RingScheme(switchCatchUp: .ranged)).run(.roundRobin).counters
        #expect(ranged.fullFlushesSwitch == 1)
        #expect(ranged.rangedFlushesSwitch == 0)
    }

    @Test func aRangedSwitchCatchesUpWithoutAFullFlush() throws {
        for name in ["switch-away", "lazy-return"] {
            let scenario = try #require(BuiltinScenarios.named(name))
            let linux = Runner(scenario: scenario, scheme: LinuxScheme()).run(.roundRobin).counters
            let ranged = Runner(scenario: scenario, scheme: RingScheme(switchCatchUp: .ranged)).run(.roundRobin)
                .counters
            let full = Runner(scenario: scenario, scheme: RingScheme(switchCatchUp: .full)).run(.roundRobin).counters
            #expect(ranged.rangedFlushesSwitch == 1, "\(name)")
            #expect(ranged.fullFlushesSwitch == linux.fullFlushesSwitch - 1, "\(name)")
            #expect(full.rangedFlushesSwitch == 0, "\(name)")
            #expect(full.fullFlushesSwitch == linux.fullFlushesSwitch, "\(name)")
        }
    }
}
