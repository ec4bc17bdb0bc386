import ShootdownModel
import Testing

/// Machines without PCID (`pcid off`): `choose_new_asid()` answers ASID 0 with a flush
/// (arch/x86/mm/tlb.c, 6.6), and the hardware tags every TLB entry 0 whatever CR3 says.
@Suite struct PCIDTests {
    static func scenario(pcid: Bool) throws -> Scenario {
        var scenario = try #require(BuiltinScenarios.named("nopcid-switch"))
        scenario.hasPCID = pcid
        return scenario
    }

    /// Every switch to another mm is a CR3 write with a flush; with PCID only the first
    /// switch to B (a new ASID) and the return to A after the madvise (A's slot behind) flush.
    @Test func everySwitchToAnotherMMFlushesWithoutPCID() throws {
        let without = Runner(scenario: try Self.scenario(pcid: false), scheme: LinuxScheme()).run(.roundRobin)
        #expect(without.outcome == .completed)
        #expect(without.world.counters.fullFlushesSwitch == 4)
        #expect(without.world.state.cpus[0].tlbState.loadedASID == 0)
        let with = Runner(scenario: try Self.scenario(pcid: true), scheme: LinuxScheme()).run(.roundRobin)
        #expect(with.outcome == .completed)
        #expect(with.world.counters.fullFlushesSwitch == 2)
        #expect(with.world.state.cpus[0].tlbState.loadedASID == 1)
    }

    /// A kernel that keeps allocating ASIDs on a CPU without PCID switches back to A without a
    /// flush and reads B's entry; with PCID the same kernel is right.
    @Test func allocatingASIDsWithoutPCIDReadsAnotherAddressSpace() throws {
        let mutant = LinuxScheme(mutation: .pcidAssumed)
        let without = Runner(scenario: try Self.scenario(pcid: false), scheme: mutant).run(.roundRobin)
        #expect(without.violation?.kind == .wrongAddressSpace)
        #expect(without.violation?.cpu == 0)
        let with = Runner(scenario: try Self.scenario(pcid: true), scheme: mutant).run(.roundRobin)
        #expect(with.violation == nil)
    }

    /// Without PCID the tag is 0 whatever slot the kernel names: a fill under slot 3 is found
    /// under slot 1, and a flush of any slot drops it.
    @Test func untaggedTLBIgnoresTheASID() {
        var tlb = TLB(tagsASIDs: false)
        tlb.fill(TLBEntry(asid: 3, page: 7, frame: 9, isWritable: true, mm: 0))
        #expect(tlb.lookup(asid: 1, page: 7)?.frame == 9)
        #expect(tlb.entries.first?.asid == 0)
        #expect(tlb.flush(asid: 5) == 1)
        var tagged = TLB()
        tagged.fill(TLBEntry(asid: 3, page: 7, frame: 9, isWritable: true, mm: 0))
        #expect(tagged.lookup(asid: 1, page: 7) == nil)
        #expect(tagged.flush(asid: 5) == 0)
    }

    /// `pcid off` round-trips through the scenario format; anything but on/off is refused.
    @Test func pcidHeaderParsesAndRenders() throws {
        let scenario = try Self.scenario(pcid: false)
        let text = ScenarioFormat.render(scenario)
        #expect(text.contains("pcid off"))
        #expect(try ScenarioFormat.parse(text, source: scenario.name) == scenario)
        #expect(!ScenarioFormat.render(try Self.scenario(pcid: true)).contains("pcid"))
        #expect(throws: ScenarioError.self) {
            try ScenarioFormat.parse("cpus 1\npcid maybe\nmm A\nthread t mm=A cpu=0\n  work", source: "t")
        }
    }
}
