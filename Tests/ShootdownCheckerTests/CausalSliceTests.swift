import ShootdownChecker
import ShootdownModel
import Testing

/// The causal slice of a counterexample: short, sound (its composed schedule still violates),
/// and for the seed thread's bug the events the mail tells.
@Suite struct CausalSliceTests {
    /// Every built-in mutant with the built-in scenario that catches it, and the seed thread's bug.
    static let cases: [(scheme: String, scenario: String)] =
        MutationScoreTests.table.map { ("linux~\($0.0.rawValue)", $0.1) }
        + Linux66yScheme.Mutation.allCases.map { ("linux-6.6.y~\($0.rawValue)", "switch-in-flush") }
        + Linux614Scheme.Mutation.allCases.map { ("linux-6.14~\($0.rawValue)", "switch-in-flush") }
        + Linux615Scheme.Mutation.allCases.map {
            ("linux-6.15~\($0.rawValue)", Linux615SchemeTests.scenario(of: $0))
        }
        + RingTests.mutants.map { ("ring-list:size=\($0.2)~\($0.0.rawValue)", $0.1) }
        + [("rfc15-buggy", "seed-thread")]

    struct Slice: SchemeVisitor {
        let scenario: Scenario
        /// The counterexample the checker finds, shrunk, with its slice.
        func visit<S: Scheme>(_ scheme: S) -> Counterexample? {
            guard let schedule = ExhaustiveChecker(scenario: scenario, scheme: scheme).run().schedule else {
                return nil
            }
            let shrunk = Shrinker(scenario: scenario, scheme: scheme).shrink(schedule)
            return Counterexample(scenario: scenario, scheme: scheme, schedule: shrunk, replay: "x")
        }
    }

    /// The seed thread's bug in at most 12 steps, as the mail tells it: cpu1's deferred change
    /// takes generation 2; cpu0 catches up to it when it switches into A (a flush without an IPI),
    /// caches page 1 and switches away; cpu1's mprotect clears write and returns without bumping
    /// the generation; cpu0 switches back, finds its generation current, and writes through the
    /// stale entry.
    @Test func theSeedThreadsSliceIsTheMailsStory() throws {
        let scenario = try #require(BuiltinScenarios.named("seed-thread"))
        let example = try #require(try SchemeCatalog.scheme(named: "rfc15-buggy").accept(Slice(scenario: scenario)))
        let slice = try #require(example.slice)
        #expect(slice.count <= 12)
        let story = example.sliceTimeline.map { "cpu\($0.cpu) \($0.function): \($0.detail)" }
        let expected = [
            "cpu1 read_defer_tlb_flush_gen: defer_gen = inc_mm_tlb_gen = 2",
            "cpu0 switch_mm_irqs_off: A: ASID 2 tlb_gen 1 vs 2: CR3 with flush",
            "cpu0 user: write page 1: TLB miss, walk fills -> frame 1",
            "cpu1 mprotect: change_pte_range(1) -> read",
            "cpu1 mprotect: mmap_unlock; returns to user",
            "cpu0 switch_mm_irqs_off: A: ASID 2 tlb_gen 2 vs 2: CR3 | NOFLUSH",
            "cpu0 user: write page 1: TLB hit -> frame 1",
        ]
        // Why each matters, with the values the mail's story turns on.
        let why = example.reasons
        #expect(why.count == slice.count)
        #expect(why[14] == "bumps A->context.tlb_gen = 2: the CPUs it flushes must reach this generation")
        #expect(why[17] == "reads A->context.tlb_gen = 2: compares it with its own generation, whether it must flush")
        #expect(why[18] == "fills the entry the violation uses")
        #expect(why[27] == "changes PTE of A page 1 = frame 1 ro: copies cached before are stale")
        #expect(why[37] == "the operation that revoked the entry returns: every copy must be gone from here")
        #expect(why[44] == "the violation (stale-write)")
        // In this order, among the slice's lines.
        var remaining = story[...]
        for line in expected {
            let found = remaining.firstIndex(of: line)
            #expect(found != nil, "\(line)")
            if let found { remaining = remaining[(found + 1)...] }
        }
    }

    /// Every mutant's slice has at most 15 steps and is sound: the schedule it stands for (its
    /// steps in order, each after the earlier steps of its own CPU and whatever steps of other
    /// CPUs it needs to be enabled) ends in the same violation; the violating step is its last.
    @Test(arguments: cases)
    func everySliceIsShortAndSound(_ scheme: String, _ name: String) throws {
        let scenario = try #require(BuiltinScenarios.named(name))
        let parsed = try SchemeCatalog.scheme(named: scheme)
        let example = try #require(try parsed.accept(Slice(scenario: scenario)))
        let slice = try #require(example.slice)
        #expect(slice.count <= 15, "\(slice.count) steps")
        #expect(slice.last == example.schedule.count)
        let schedule = try #require(example.actions)
        let replayed = try parsed.accept(Replay(scenario: scenario, schedule: schedule, keys: slice.map { $0 - 1 }))
        #expect(replayed == example.violationKind)
    }

    struct Replay: SchemeVisitor {
        let scenario: Scenario
        let schedule: [Action]
        let keys: [Int]
        func visit<S: Scheme>(_ scheme: S) -> String? {
            CausalSlicer(scenario: scenario, scheme: scheme).replay(schedule, keys: keys)?.kind.rawValue
        }
    }

    /// Every mutant of the catalog has its case (the ring's at the size that catches it).
    @Test func everyMutantIsSliced() {
        let sliced = Set(
            Self.cases.map { $0.scheme.replacingOccurrences(of: #":size=\d+"#, with: "", options: .regularExpression) })
        for mutant in SchemeCatalog.mutants { #expect(sliced.contains(mutant), "\(mutant)") }
    }
}
