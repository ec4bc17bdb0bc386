import Testing

@testable import ShootdownModel

/// Dead local generations (``World/fingerprint(into:omitting:)``): a CPU none of whose threads
/// will access memory again has its `ctxs[].tlb_gen` left out of the dead-entry fingerprint;
/// a CPU with an access left, or any CPU where paging-structure caches are tracked, keeps them.
/// (``DeadEntryTests`` in the checker's tests holds the search with it to the same verdicts and
/// terminal states.)
@Suite struct DeadGenerationTests {
    /// cpu0 reads page 0, then only madvises; cpu1 reads pages 1 and 0.
    static let text = """
        cpus 2
        mm A
          map 0-1 write populated
        thread a mm=A cpu=0
          read 0; madvise 1
        thread b mm=A cpu=1
          read 1; read 0
        """

    @Test func onlyADeadCPUsGenerationsAreLeftOut() throws {
        var w = try world(Self.text)
        w.drive(0) { $0.state.threads[0].pc == 1 }
        w.drive(1) { $0.state.threads[1].pc == 1 }
        let accessed = AccessedPages(w.scenario)
        // cpu0 has no access left: its generation is dead.
        #expect(Self.omitted(w, accessed) == Self.omitted(Self.bumped(w, cpu: 0), accessed))
        #expect(Self.whole(w) != Self.whole(Self.bumped(w, cpu: 0)))
        // cpu1 still reads page 0.
        #expect(Self.omitted(w, accessed) != Self.omitted(Self.bumped(w, cpu: 1), accessed))
    }

    /// With a page table freed in some run, a CR3 load without a flush may walk it: the
    /// generation that decides that flush stays in the fingerprint, even of cpu1, whose thread
    /// only munmaps.
    @Test func pagingStructureCachesKeepThem() throws {
        let w = try world(PagingStructureTests.switchBack)
        #expect(w.setup.tracksPagingStructures)
        let accessed = AccessedPages(w.scenario)
        #expect(Self.omitted(w, accessed) != Self.omitted(Self.bumped(w, cpu: 1), accessed))
    }

    /// `w` with `cpu`'s generation of its loaded ASID one higher.
    static func bumped(_ w: World<LinuxScheme>, cpu: Int) -> World<LinuxScheme> {
        var copy = w
        copy.state.cpus[cpu].tlbState.ctxs[copy.state.cpus[cpu].tlbState.loadedASID].tlbGen += 1
        return copy
    }

    static func omitted(_ w: World<LinuxScheme>, _ accessed: AccessedPages) -> UInt64 {
        var h = StableHasher()
        w.fingerprint(into: &h, omitting: accessed)
        return h.value
    }

    static func whole(_ w: World<LinuxScheme>) -> UInt64 {
        var h = StableHasher()
        w.fingerprint(into: &h)
        return h.value
    }
}
