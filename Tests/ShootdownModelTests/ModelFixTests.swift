import ShootdownModel
import Testing

/// Scenarios that once trapped the model or made unmodified Linux report a violation it does
/// not have; each is a path the kernel takes and the model once got wrong.
@Suite struct ModelFixTests {
    /// munmap of a range with no VMA: `do_vmi_munmap()` returns 0 before any mmu_gather.
    @Test func munmapWithoutVMAReturnsAtOnce() throws {
        let result = try runRoundRobin(
            """
            cpus 2
            pages 4
            mm A
              map 0 write populated
            thread t0 mm=A cpu=0
              read 0; munmap 2-3; read 0
            thread t1 mm=A cpu=1
              read 0
            """)
        #expect(result.outcome == .completed)
        #expect(result.counters.ipisSent == 0)
        #expect(result.counters.nrTLBRemoteFlush == 0)
    }

    /// munmap of a VMA whose PTEs are all empty still frees its page table: `pte_free_tlb()`
    /// widens the gather to the table's first page and sets `freed_tables`, so the flush
    /// interrupts the lazy CPU too.
    @Test func munmapOfEmptyVMAFreesItsTableWithAFlush() throws {
        let result = try runRoundRobin(
            """
            cpus 2
            pages 4
            ptes-per-table 2
            mm A
              map 0-1 write populated
              map 2-3 write
            thread t0 mm=A cpu=0
              read 0; sleep; read 0
            thread t1 mm=A cpu=1
              munmap 2-3; read 1
            """)
        #expect(result.outcome == .completed)
        #expect(result.violation == nil)
        // One flush, of the freed table's first page, sent to the sleeping (lazy) CPU as well.
        #expect(result.counters.nrTLBRemoteFlush == 1)
        #expect(result.counters.ipisSent == 1)
        #expect(result.counters.ipisSkippedLazy == 0)
    }

    /// fork() copies what it finds under the PTL: a PTE that reclaim or migration took away
    /// since the previous copy step is skipped (it trapped on a nil frame).
    @Test func forkSkipsPTEsTakenAwayMeanwhile() throws {
        let text = """
            cpus 2
            pages 3
            ptes-per-table 1
            mm A
              map 0-2 write populated
            mm C
            thread t0 mm=A cpu=0
              write 0; munmap 2; fork C
            thread t1 mm=A cpu=1
              reclaim 0; migrate 0; migrate 1
            """
        for seed in 0..<UInt64(300) {
            let result = Runner(scenario: try scenario(text), scheme: LinuxScheme()).run(.random(seed: seed))
            #expect(result.outcome == .completed, "seed \(seed)")
        }
    }

    /// A migration whose copy finds no free frame maps the old frame again and leaves it to the
    /// mapping: a zap that clears it afterwards frees it after its own flush, and migration
    /// frees nothing. (The model once freed the old frame from migration too, before the zap's
    /// flush, while a CPU still cached it: a violation on unmodified Linux.)
    @Test func failedMigrationLeavesTheOldFrameToTheMapping() throws {
        // The synchronous fallback first (the schedule below follows its ptep_clear_flush()),
        // then the asynchronous pass: both share the failure path.
        let texts = ["migrate 0 sync", "migrate 0"].map {
            """
            cpus 3
            frames 1
            mm A
              map 0 write populated
            thread t0 mm=A cpu=0
              \($0)
            thread t1 mm=A cpu=1
              madvise 0
            thread t2 mm=A cpu=2
              read 0; read 0; read 0
            """
        }
        let text = texts[0]
        // The schedule the model once got wrong: t2 refills after the failed migration's
        // remap, t1 clears the PTE, then migration ends.
        var w = try world(text)
        // cpu0 migrates; cpu1 and cpu2 only take its flush IPI, until the PTE maps frame 0 again.
        var wasUnmapped = false
        for _ in 0..<1_000 where !wasUnmapped || w.state.mms[0].ptes[0] != .mapping(0, writable: true) {
            if let cpu = [1, 2].first(where: { w.canInterrupt($0) || !w.state.cpus[$0].stack.isEmpty }) {
                w.perform(w.canInterrupt(cpu) ? .interrupt(cpu: cpu) : .step(cpu: cpu))
            } else {
                w.perform(.step(cpu: 0))
            }
            wasUnmapped = wasUnmapped || w.state.mms[0].ptes[0].isMigrationEntry
        }
        // The old frame is mapped again and the migration is over in the same step.
        #expect(w.state.mms[0].ptes[0] == .mapping(0, writable: true))
        #expect(w.state.cpus[0].stack.isEmpty && w.state.threads[0].pc == 1)
        w.drive(2, until: { $0.state.threads[2].pc >= 1 })
        w.drive(1, until: { $0.state.mms[0].ptes[0].frame == nil })
        w.finish()
        #expect(w.violation == nil)
        #expect(w.isFinished)
        #expect(w.state.frames.freeList == [0])
        for text in texts {
            for seed in 0..<UInt64(200) {
                let result = Runner(scenario: try scenario(text), scheme: LinuxScheme()).run(.random(seed: seed))
                #expect(result.outcome == .completed && result.violation == nil, "seed \(seed)")
            }
        }
    }
}
