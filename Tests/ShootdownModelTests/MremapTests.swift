import ShootdownModel
import Testing

/// mremap to a fixed destination (mm/mremap.c, 6.6): `move_ptes()` moves the PTEs under both
/// page-table locks and flushes the old extent before dropping them; the destination is
/// unmapped first and the old range after, with `mmap_lock` held throughout.
@Suite struct MremapTests {
    static func text(_ script: String, maps: String = "map 0 write populated", ptesPerTable: Int = 512) -> String {
        """
        cpus 1
        pages 8
        ptes-per-table \(ptesPerTable)
        mm A
          \(maps)
        thread t0 mm=A cpu=0
          \(script)
        """
    }

    /// The page moves with its frame; the old address is gone (SIGSEGV) and its entry flushed
    /// by one INVLPG under the PTL.
    @Test func thePageMovesWithItsFrame() throws {
        let result = try runRoundRobin(Self.text("write 0; mremap 0 2; write 2; write 0"))
        let space = result.world.state.mms[0]
        #expect(result.outcome == .completed)
        #expect(space.ptes[2] == .mapping(0, writable: true))
        #expect(space.ptes[0] == .none)
        #expect(space.vmas[0] == nil && space.vmas[2] == .write)
        #expect(result.world.counters.segfaults == 1)
        #expect(result.world.counters.nrTLBLocalFlushOne == 1)
        #expect(result.world.counters.tlbFills == 2)
    }

    /// Overlapping ranges are refused (-EINVAL) and change nothing.
    @Test func overlappingRangesAreRefused() throws {
        let result = try runRoundRobin(Self.text("mremap 0-1 1", maps: "map 0-1 write populated"))
        let space = result.world.state.mms[0]
        #expect(space.ptes[0] == .mapping(0, writable: true))
        #expect(space.ptes[1] == .mapping(1, writable: true))
        #expect(result.world.counters.nrTLBLocalFlushOne == 0)
        #expect(!space.mmapLock.isWriteLocked)
    }

    /// MREMAP_FIXED unmaps what the destination held first: its frame is freed, its entry
    /// flushed; then the page moves in.
    @Test func aMappedDestinationIsUnmappedFirst() throws {
        let text = Self.text("write 0; read 2; mremap 0 2", maps: "map 0 write populated\n  map 2 write populated")
        let result = try runRoundRobin(text)
        #expect(result.world.state.mms[0].ptes[2] == .mapping(0, writable: true))
        #expect(result.world.state.frames.freeList == [1])
        // The destination's INVLPG, then the moved page's.
        #expect(result.world.counters.nrTLBLocalFlushOne == 2)
    }

    /// No VMA at the source: -EFAULT after the destination's unmap, the lock released.
    @Test func noSourceVMAFails() throws {
        let result = try runRoundRobin(Self.text("mremap 4 2", maps: "map 2 write populated"))
        let space = result.world.state.mms[0]
        #expect(result.outcome == .completed)
        #expect(space.vmas[2] == nil)
        #expect(space.ptes[2] == .none)
        #expect(!space.mmapLock.isWriteLocked)
    }

    /// With one PTE per page table each page is its own extent, flushed under its own locks;
    /// the old tables, empty, are freed by the unmap of the old range (a flush with
    /// freed_tables).
    @Test func extentsEndAtPageTableBoundaries() throws {
        let text = Self.text("write 0; write 1; mremap 0-1 4", maps: "map 0-1 write populated", ptesPerTable: 1)
        let result = try runRoundRobin(text)
        let space = result.world.state.mms[0]
        #expect(space.ptes[4] == .mapping(0, writable: true))
        #expect(space.ptes[5] == .mapping(1, writable: true))
        // Two extents' flushes of one page each, then free_pgtables' flush of pages 0-1.
        #expect(result.world.counters.nrTLBLocalFlushOne == 4)
        #expect(result.world.state.mms[0].tlbGen == 3)
    }

    /// `mremap-migrate` on the round-robin schedule: the page ends at its new address, the old
    /// one empty. (The interleaving where a late flush lets migration free the frame first,
    /// CVE-2018-18281, is the exhaustive checker's: `MutationScoreTests`.)
    @Test func mremapMigrateEndsWithThePageAtItsNewAddress() throws {
        let scenario = try #require(BuiltinScenarios.named("mremap-migrate"))
        let linux = Runner(scenario: scenario, scheme: LinuxScheme()).run(.roundRobin)
        #expect(linux.outcome == .completed)
        #expect(linux.world.state.mms[0].ptes[0] == .none)
        #expect(linux.world.state.mms[0].ptes[2].frame != nil)
    }

    /// A migration entry that mremap moves is remapped at its new address (rmap finds it there):
    /// every schedule completes, and in some the page migrates after the move.
    @Test func aMovedMigrationEntryIsRemappedWhereItMovedTo() throws {
        let scenario = try scenario(
            """
            cpus 2
            mm A
              map 0 write populated
            thread t0 mm=A cpu=0
              mremap 0 2; write 2
            thread t1 mm=A cpu=1
              migrate 0
            """)
        let runner = Runner(scenario: scenario, scheme: LinuxScheme())
        var migratedAfterTheMove = 0
        for seed in 0..<300 {
            let result = runner.run(.random(seed: UInt64(seed)))
            #expect(result.outcome == .completed, "seed \(seed) ended \(result.outcome)")
            let space = result.world.state.mms[0]
            #expect(!space.ptes.contains { $0.isMigrationEntry }, "seed \(seed)")
            if space.ptes[2].frame == 1 { migratedAfterTheMove += 1 }
        }
        #expect(migratedAfterTheMove > 0)
    }
}
