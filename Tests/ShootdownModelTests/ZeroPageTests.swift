import ShootdownModel
import Testing

/// The shared zero page: a read fault on anonymous memory maps it read-only
/// (`do_anonymous_page()`, mm/memory.c 6.6); the first write replaces it through
/// `wp_page_copy()` and its `ptep_clear_flush()`; it is never freed, reclaimed or migrated.
@Suite struct ZeroPageTests {
    static func text(_ script: String, cpus: Int = 1) -> String {
        """
        cpus \(cpus)
        mm P
          map 0-1 write
        mm C
        thread t0 mm=P cpu=0
          \(script)
        """
    }

    /// Read, then write: the zero page, then a page of its own, with a one-page local flush.
    @Test func aReadMapsTheZeroPageAndAWriteCopiesIt() throws {
        let result = try runRoundRobin(Self.text("read 0; write 0"))
        let world = result.world
        #expect(result.outcome == .completed)
        #expect(world.counters.zeroPageMaps == 1)
        #expect(world.counters.zeroPageCopies == 1)
        #expect(world.counters.nrTLBLocalFlushOne == 1)
        #expect(world.state.mms[0].ptes[0] == .mapping(0, writable: true))
        #expect(world.state.frames.freeList.isEmpty)
        // A write first allocates at once: no zero page, no flush.
        let direct = try runRoundRobin(Self.text("write 0")).world
        #expect(direct.counters.zeroPageMaps == 0)
        #expect(direct.counters.nrTLBLocalFlushOne == 0)
    }

    /// Zapping the zero page's PTE frees nothing; the next read maps it again.
    @Test func aZapLeavesTheZeroPageAlone() throws {
        let world = try runRoundRobin(Self.text("read 0; madvise 0; read 0")).world
        #expect(world.counters.zeroPageMaps == 2)
        #expect(world.state.frames.freeList.isEmpty)
        #expect(world.state.mms[0].ptes[0] == .mapping(world.state.frames.zeroPage, writable: false))
    }

    /// Reclaim and migration pass the zero page by (it is on no LRU list and never isolated).
    @Test func reclaimAndMigrationSkipTheZeroPage() throws {
        for op in ["reclaim 0", "migrate 0"] {
            let world = try runRoundRobin(Self.text("read 0; \(op); read 0")).world
            #expect(world.counters.zeroPageMaps == 1, "\(op)")
            #expect(world.counters.nrTLBLocalFlushOne == 0, "\(op)")
            #expect(world.state.mms[0].ptes[0].frame == world.state.frames.zeroPage, "\(op)")
        }
    }

    /// After fork both address spaces map the zero page; the parent's write copies it and the
    /// child keeps it.
    @Test func forkSharesTheZeroPage() throws {
        let world = try runRoundRobin(Self.text("read 0; fork C; write 0")).world
        #expect(world.counters.zeroPageCopies == 1)
        #expect(world.state.mms[0].ptes[0].isWritable)
        #expect(world.state.mms[1].ptes[0] == .mapping(world.state.frames.zeroPage, writable: false))
    }

    /// mprotect back to PROT_WRITE leaves the zero page read-only (`can_change_pte_writable()`:
    /// no normal page); a kernel that ignores exclusivity writes into the zero page.
    @Test func mprotectNeverMakesTheZeroPageWritable() throws {
        let text = Self.text("read 0; mprotect 0 read; mprotect 0 write; write 0")
        let linux = try runRoundRobin(text)
        #expect(linux.outcome == .completed)
        #expect(linux.world.counters.zeroPageCopies == 1)
        let mutant = try runRoundRobin(text, scheme: LinuxScheme(mutation: .noAnonExclusive))
        #expect(mutant.violation?.kind == .sharedWrite)
        #expect(mutant.violation?.frame == mutant.world.state.frames.zeroPage)
    }

    /// On `zero-page` the copy's flush interrupts the CPU still reading; without it that CPU
    /// reads zeros after the write.
    @Test func theCopyFlushesTheOtherReader() throws {
        let scenario = try #require(BuiltinScenarios.named("zero-page"))
        let linux = Runner(scenario: scenario, scheme: LinuxScheme()).run(.roundRobin)
        #expect(linux.outcome == .completed)
        #expect(linux.world.counters.zeroPageCopies == 1)
        #expect(linux.world.counters.ipisSent == 1)
        let mutant = Runner(scenario: scenario, scheme: LinuxScheme(mutation: .zeroPageNoFlush)).run(.roundRobin)
        #expect(mutant.violation?.kind == .staleTranslation)
        #expect(mutant.violation?.frame == mutant.world.state.frames.zeroPage)
        #expect(mutant.world.counters.ipisSent == 0)
    }
}
