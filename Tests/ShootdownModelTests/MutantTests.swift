import ShootdownModel
import Testing

/// Every mutant is caught on a built-in scenario; Linux itself never is.
@Suite struct MutantTests {
    /// A mutant, the scenario that exposes it, and a seed pinned to show it; `nil` where a
    /// uniformly random schedule is not expected to open the window (the exhaustive checker and
    /// PCT catch those: ShootdownCheckerTests' `MutationScoreTests`).
    struct Catch: Sendable, CustomTestStringConvertible {
        var mutation: LinuxScheme.Mutation
        var scenario: String
        var seed: UInt64?
        var cpu: Int
        var page: Int
        var kind = Violation.Kind.staleTranslation
        var testDescription: String { "linux~\(mutation.rawValue) on \(scenario)" }
    }

    static let catches: [Catch] = [
        Catch(mutation: .noIPI, scenario: "remote-ipi", seed: 0, cpu: 0, page: 0),
        Catch(mutation: .noLazyCatchup, scenario: "lazy-return", seed: 0, cpu: 0, page: 0),
        Catch(mutation: .noSwitchCatchup, scenario: "switch-away", seed: 0, cpu: 0, page: 0),
        Catch(mutation: .partialAlways, scenario: "concurrent-flushes", seed: 0, cpu: 2, page: 2),
        Catch(mutation: .noNestedFlush, scenario: "nested-madvise", seed: 3, cpu: 2, page: 0),
        // Freed before the flush, frame-reuse's page table reaches cpu0's PCID first.
        Catch(mutation: .freeBeforeFlush, scenario: "frame-reuse", seed: 0, cpu: 0, page: 0, kind: .freedTableWalk),
        Catch(mutation: .noWait, scenario: "remote-ipi", seed: 5, cpu: 0, page: 0),
        Catch(mutation: .accessibleIgnoresPending, scenario: "numa-migrate", seed: 11, cpu: 0, page: 0),
        Catch(mutation: .earlyDecPending, scenario: "numa-migrate", seed: 22, cpu: 0, page: 0),
        Catch(mutation: .noBatchedPending, scenario: "reclaim-madvise", seed: 20, cpu: 1, page: 0),
        Catch(mutation: .noAnonExclusive, scenario: "cow-mprotect", seed: 0, cpu: 0, page: 0, kind: .sharedWrite),
        Catch(mutation: .zeroPageNoFlush, scenario: "zero-page", seed: 0, cpu: 0, page: 0),
        // Migration must unmap, flush, copy and free (about 25 steps of cpu2) between mremap's
        // PTL unlock and its late flush (one step of cpu1): (2/3)^25 for a uniform schedule.
        Catch(mutation: .mremapFlushUnlocked, scenario: "mremap-migrate", seed: nil, cpu: 0, page: 0),
        Catch(mutation: .lazyFreedTables, scenario: "freed-tables", seed: 0, cpu: 0, page: 0, kind: .freedTableWalk),
        Catch(mutation: .moveBeforeBatchFlush, scenario: "migrate-use", seed: 43, cpu: 1, page: 0),
        Catch(mutation: .pcidAssumed, scenario: "nopcid-switch", seed: 0, cpu: 0, page: 0, kind: .wrongAddressSpace),
        Catch(mutation: .thpSplitNoFlush, scenario: "thp-split", seed: 2, cpu: 0, page: 2, kind: .splitHugeEntry),
        Catch(mutation: .cve202522045, scenario: "thp-collapse", seed: 0, cpu: 0, page: 0, kind: .freedTableWalk),
    ]

    @Test func everyMutantHasAPinnedCatch() {
        #expect(Set(Self.catches.map(\.mutation)) == Set(LinuxScheme.Mutation.allCases))
    }

    @Test(arguments: catches.filter { $0.seed != nil })
    func pinnedSeedExposesTheMutant(_ c: Catch) throws {
        let scenario = try #require(BuiltinScenarios.named(c.scenario))
        let result = Runner(scenario: scenario, scheme: LinuxScheme(mutation: c.mutation)).run(.random(seed: c.seed!))
        let violation = try #require(result.violation)
        #expect(result.outcome == .violation)
        #expect(violation.kind == c.kind)
        #expect(violation.cpu == c.cpu)
        #expect(violation.page == c.page)
        // The same schedule under Linux's code is safe.
        let linux = Runner(scenario: scenario, scheme: LinuxScheme()).run(.scripted(result.schedule))
        #expect(linux.violation == nil)
    }

    @Test(arguments: catches.filter { $0.seed != nil }.map(\.mutation))
    func mutantIsCaughtWithinTwoHundredSeeds(_ mutation: LinuxScheme.Mutation) throws {
        let scheme = LinuxScheme(mutation: mutation)
        let caught = BuiltinScenarios.names.contains { name in
            let runner = Runner(scenario: BuiltinScenarios.named(name)!, scheme: scheme)
            return (0..<200).contains { runner.run(.random(seed: UInt64($0))).violation != nil }
        }
        #expect(caught)
    }

    @Test(arguments: BuiltinScenarios.names)
    func linuxIsSafeOnEveryBuiltinScenario(_ name: String) throws {
        let runner = Runner(scenario: try #require(BuiltinScenarios.named(name)), scheme: LinuxScheme())
        for seed in 0..<200 {
            let result = runner.run(.random(seed: UInt64(seed)))
            #expect(result.violation == nil, "seed \(seed): \(result.violation.map(result.world.describe) ?? "")")
            #expect(result.outcome == .completed, "seed \(seed) ended \(result.outcome)")
        }
    }
}
