import ShootdownModel
import Testing

/// Exact counters on hand-built scenarios, one per path of the flush protocol.
@Suite struct FlushPathTests {
    /// cpu0 caches page 0 and idles (lazily) while cpu1 zaps it.
    static let lazyIdle = """
        cpus 2
        mm A
          map 0-3 write populated
        thread t0 mm=A cpu=0
          write 0; signal touched; wait done; write 0
        thread t1 mm=A cpu=1
          wait touched; madvise 0; signal done
        """

    @Test func localOnlyFlushInvalidatesOnePage() throws {
        let result = try runRoundRobin(
            """
            cpus 1
            mm A
              map 0-3 write populated
            thread t0 mm=A cpu=0
              write 0; write 1; munmap 0; read 1
            """)
        #expect(result.outcome == .completed)
        let c = result.counters
        #expect(c.nrTLBRemoteFlush == 0)
        #expect(c.nrTLBRemoteFlushReceived == 0)
        #expect(c.nrTLBLocalFlushOne == 1)
        #expect(c.nrTLBLocalFlushAll == 0)
        #expect(c.rangedFlushesLocal == 1)
        #expect(c.pagesInvalidated == 1)
        #expect(c.fullFlushes == 0)  // t0 starts with A loaded in ASID 1
        #expect(c.fullFlushesSwitch == 0)
        #expect(c.ipisSent == 0)
        #expect(c.tlbFills == 2)
        #expect(c.tlbHits == 1)
        #expect(c.violations == 0)
        #expect(result.world.state.frames.freeList == [0])  // page 0's frame, freed after the flush
    }

    /// cpu0 caches page 0 and spins while cpu1 runs `operation` on it.
    static func cachedWhile(_ operation: String) -> String {
        """
        cpus 2
        mm A
          map 0-3 write populated
        thread t0 mm=A cpu=0
          write 0; signal touched; spin done; write 0
        thread t1 mm=A cpu=1
          wait touched; \(operation); signal done
        """
    }

    @Test func remoteFlushSendsOneIPIAndFlushesTheRange() throws {
        let result = try runRoundRobin(Self.cachedWhile("madvise 0"))
        #expect(result.outcome == .completed)
        let c = result.counters
        #expect(c.nrTLBRemoteFlush == 1)
        #expect(c.ipisSent == 1)
        #expect(c.nrTLBRemoteFlushReceived == 1)
        #expect(c.rangedFlushesIPI == 1)
        #expect(c.rangedFlushesLocal == 1)  // the initiator had A loaded too
        #expect(c.nrTLBLocalFlushOne == 1)
        #expect(c.fullFlushesIPI == 0)
        #expect(c.pagesInvalidated == 2)
        #expect(c.ipisSkippedLazy == 0)
        #expect(c.pageFaults == 1)  // t0's second write faults in a fresh page
        #expect(c.violations == 0)
    }

    @Test func lazyCPUIsSkippedThenCatchesUpWithAFullFlush() throws {
        var w = try world(Self.lazyIdle)
        // cpu0 writes page 0, then blocks: its idle task keeps A loaded, lazily.
        w.drive(0, until: { $0.state.cpus[0].tlbState.isLazy })
        w.drive(1, until: { $0.state.threads[1].status == .done })
        #expect(w.counters.ipisSkippedLazy == 1)
        #expect(w.counters.ipisSent == 0)
        #expect(w.state.cpus[0].tlb.lookup(asid: 1, page: 0) != nil)  // stale, but unused
        let switchFlushesBefore = w.counters.fullFlushesSwitch
        w.finish()
        #expect(w.violation == nil)
        // Back from lazy mode: ctxs[asid].tlb_gen 0 != tlb_gen 1, so switch_mm_irqs_off flushes.
        #expect(w.counters.fullFlushesSwitch == switchFlushesBefore + 1)
        #expect(w.counters.pageFaults == 1)
    }

    @Test func lazyCatchupMutantUsesTheStaleEntry() throws {
        var w = try world(Self.lazyIdle, scheme: LinuxScheme(mutation: .noLazyCatchup))
        w.drive(0, until: { $0.state.cpus[0].tlbState.isLazy })
        w.drive(1, until: { $0.state.threads[1].status == .done })
        w.finish()
        #expect(w.violation?.kind == .staleWrite || w.violation?.kind == .staleTranslation)
        #expect(w.violation?.cpu == 0)
        #expect(w.violation?.page == 0)
    }

    /// The case in flush_tlb_func()'s comment: two concurrent one-page flushes (generations 1
    /// and 2) reach a third CPU in reverse order. The IPI of generation 2 finds the CPU at 0:
    /// `new_tlb_gen != local_tlb_gen + 1`, so it flushes fully; the IPI of generation 1 then
    /// returns early (`new_tlb_gen <= local_tlb_gen`).
    @Test func secondIPIFirstFlushesFully() throws {
        var w = try world(
            """
            cpus 3
            pages 4
            ptes-per-table 2
            mm A
              map 0-3 write populated
            thread t0 mm=A cpu=0
              migrate 0 sync
            thread t1 mm=A cpu=1
              migrate 2 sync; signal end
            thread t2 mm=A cpu=2
              write 0; write 2; spin end
            """)
        w.drive(2, until: { $0.state.threads[2].pc == 2 })
        w.drive(0, until: { $0.state.mms[0].tlbGen == 1 })  // t0: ptep_clear_flush, gen 1
        w.drive(1, until: { $0.state.mms[0].tlbGen == 2 })  // t1: gen 2
        w.drive(1, until: { $0.state.cpus[2].mailbox.map(\.initiatingCPU) == [1] })  // t1's IPI reaches cpu2 first
        w.drive(2, until: { $0.state.cpus[2].stack.isEmpty && $0.state.cpus[2].mailbox.isEmpty })
        #expect(w.counters.fullFlushesIPI == 1)
        #expect(w.counters.rangedFlushesIPI == 0)
        #expect(w.state.cpus[2].tlbState.ctxs[w.state.cpus[2].tlbState.loadedASID].tlbGen == 2)
        w.finish()
        #expect(w.violation == nil)
        #expect(w.isFinished)
        // cpu0, still before its own local flush of generation 1, takes t1's IPI at local 0:
        // full as well; so is cpu1's own flush of 2 (it is at 0 too). Every IPI of generation 1
        // then finds its target at 2 and returns early.
        #expect(w.counters.fullFlushesIPI == 2)
        #expect(w.counters.fullFlushesLocal == 1)
        #expect(w.counters.rangedFlushesLocal == 0)
        #expect(w.counters.rangedFlushesIPI == 0)
        #expect(w.counters.nrTLBRemoteFlushReceived == 4)
    }

    /// cpu1 migrates page 0 while cpu0 caches it. The asynchronous pass (`migrate 0`,
    /// `try_to_migrate(TTU_BATCH_FLUSH)`) batches the flush: `inc_mm_tlb_gen()`, the batch's
    /// cpumask and `tlb_flush_batched`, then one `arch_tlbbatch_flush()`, whose flush_tlb_info
    /// has no mm and no generation: a full flush on both CPUs. The synchronous fallback
    /// (`migrate 0 sync`) flushes the one page with `ptep_clear_flush()`: INVLPG on both.
    @Test(arguments: [false, true])
    func migrationBatchesItsFlushUnlessSynchronous(synchronous: Bool) throws {
        let result = try runRoundRobin(Self.cachedWhile(synchronous ? "migrate 0 sync" : "migrate 0"))
        #expect(result.outcome == .completed)
        let c = result.counters
        #expect(c.violations == 0)
        #expect(c.ipisSent == 1)
        #expect(c.nrTLBRemoteFlush == 1)
        #expect(c.fullFlushesIPI == (synchronous ? 0 : 1))
        #expect(c.fullFlushesLocal == (synchronous ? 0 : 1))
        #expect(c.rangedFlushesIPI == (synchronous ? 1 : 0))
        #expect(c.rangedFlushesLocal == (synchronous ? 1 : 0))
        #expect(c.pagesInvalidated == (synchronous ? 2 : 0))
        #expect(c.tlbFills == 2)  // t0's second write walks to the new frame either way
        let space = result.world.state.mms[0]
        #expect(space.tlbGen == 1)
        #expect(space.tlbFlushBatched.pending == (synchronous ? 0 : 1))
        #expect(space.ptes[0].frame == 4)  // the first frame after the populated ones
        #expect(result.world.state.frames.freeList.contains(0))
    }

    @Test func cpuSwitchedAwayGetsNoIPIAndCatchesUpInChooseNewASID() throws {
        var w = try world(
            """
            cpus 2
            mm A
              map 0-3 write populated
            mm B
              map 0-3 write populated
            thread t0 mm=A cpu=0
              write 0; signal touched; wait done; write 0
            thread u0 mm=B cpu=0
              write 1; spin done
            thread t1 mm=A cpu=1
              wait touched; madvise 0; signal done
            """)
        // t0 blocks, cpu0 switches to B: cpumask_clear_cpu(cpu0, A); A's entry stays in ASID 1.
        w.drive(0, until: { $0.state.cpus[0].tlbState.loadedMM == 1 })
        #expect(!w.state.mms[0].cpumask.contains(0))
        w.drive(1, until: { $0.state.threads[2].status == .done })
        #expect(w.counters.nrTLBRemoteFlush == 0)  // only cpu1 in A's cpumask: a local flush
        #expect(w.counters.ipisSent == 0)
        #expect(w.counters.rangedFlushesLocal == 1)
        #expect(w.state.cpus[0].tlb.lookup(asid: 1, page: 0) != nil)
        let before = w.counters.fullFlushesSwitch
        w.finish()
        #expect(w.violation == nil)
        // Back to A: choose_new_asid finds ASID 1 with tlb_gen 0 < 1 and flushes it.
        #expect(w.counters.fullFlushesSwitch == before + 1)
        #expect(w.state.cpus[0].tlbState.ctxs[1].tlbGen == 1)
    }

    @Test(arguments: [(33, false), (34, true)])
    func ceilingTurnsLargeRangesIntoFullFlushes(pages: Int, full: Bool) throws {
        let result = try runRoundRobin(
            """
            cpus 1
            mm A
              map 0-39 write populated
            thread t0 mm=A cpu=0
              read 0; read 39; madvise 0-\(pages - 1); read 39
            """)
        let c = result.counters
        #expect(c.nrTLBLocalFlushAll == (full ? 1 : 0))
        #expect(c.nrTLBLocalFlushOne == (full ? 0 : pages))
        #expect(c.pagesInvalidated == (full ? 0 : pages))
        // A full flush drops page 39's entry too, so the last read refills it.
        #expect(c.tlbFills == (full ? 3 : 2))
        #expect(c.violations == 0)
    }

    @Test func seventhAddressSpaceRecyclesAnASIDSlotAndFlushesIt() throws {
        var text = "cpus 1\n"
        let names = ["A", "B", "C", "D", "E", "F", "G"]
        for name in names { text += "mm \(name)\n  map 0 write populated\n" }
        for name in names { text += "thread t\(name) mm=\(name) cpu=0\n  write 0\n" }
        let result = try runRoundRobin(text)
        let c = result.counters
        // A starts in ASID 1, B..E take 2..5, F evicts init_mm from slot 0, G evicts A from slot 1.
        #expect(c.asidEvictions == 2)
        #expect(c.fullFlushesSwitch == 6)
        #expect(c.entriesFlushed == 1)  // A's entry, dropped when G's CR3 load flushes ASID 1
        let state = result.world.state.cpus[0]
        #expect(state.tlbState.ctxs.map(\.ctxID) == [7, 8, 3, 4, 5, 6])
        #expect(!state.tlb.entries.contains { $0.mm == 0 })
    }

    @Test func freedTablesInterruptLazyCPUs() throws {
        var w = try world(
            """
            cpus 2
            mm A
              map 0-1 write populated
            thread t0 mm=A cpu=0
              read 0; signal touched; wait done; read 1
            thread t1 mm=A cpu=1
              wait touched; munmap 0-1; signal done
            """)
        w.drive(0, until: { $0.state.cpus[0].tlbState.isLazy })
        w.drive(1, until: { !$0.state.cpus[0].mailbox.isEmpty })
        #expect(w.counters.ipisSkippedLazy == 0)
        #expect(w.counters.ipisSent == 1)
        // The lazy CPU leaves lazy mode instead of flushing: switch_mm_irqs_off(NULL, &init_mm).
        w.drive(0, until: { $0.state.cpus[0].mailbox.isEmpty && $0.state.cpus[0].stack.isEmpty })
        #expect(w.state.cpus[0].tlbState.loadedMM == initMM)
        #expect(!w.state.mms[0].cpumask.contains(0))
        w.finish()
        #expect(w.violation == nil)
        #expect(w.counters.segfaults == 1)  // page 1 is gone
    }
}
