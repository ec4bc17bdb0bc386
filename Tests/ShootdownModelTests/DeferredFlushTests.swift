import ShootdownModel
import Testing

/// The deferred-flush paths with exact counters under round-robin scheduling: NUMA hinting
/// and its fault, migration of a hinted page, reclaim's batched flush, and what RFC 15 costs.
@Suite struct DeferredFlushTests {
    /// cpu1 runs in A; cpu0 changes two page tables in one gather.
    static let twoTables = """
        cpus 2
        ptes-per-table 1
        mm A
          map 0-1 write populated
        thread t0 mm=A cpu=0
          wait touched; mprotect 0-1 read; signal done
        thread t1 mm=A cpu=1
          read 0; read 1; signal touched; spin done; read 0
        """

    @Test func linuxFlushesTheOtherCPUsRangeOnce() throws {
        let c = try runRoundRobin(Self.twoTables).counters
        #expect(c.violations == 0)
        #expect(c.ipisSent == 1)
        #expect(c.rangedFlushesIPI == 1)
        #expect(c.fullFlushesIPI == 0)
        #expect(c.pagesInvalidated == 4)
    }

    @Test func theFixTurnsTheRangedFlushIntoAFullOne() throws {
        // Two bumps in one gather: the other CPU is two generations behind when the IPI comes.
        let c = try runRoundRobin(Self.twoTables, scheme: LinuxScheme(.rfc15)).counters
        #expect(c.violations == 0)
        #expect(c.ipisSent == 1)
        #expect(c.rangedFlushesIPI == 0)
        #expect(c.fullFlushesIPI == 1)
        #expect(c.fullFlushesLocal == 1)
        #expect(c.entriesFlushed == 2)
        #expect(c.pagesInvalidated == 0)
    }

    @Test func theRingKeepsBothGenerationsRanged() throws {
        // Each page table's generation records its page: the CPU two behind reads both slots.
        let c = try runRoundRobin(Self.twoTables, scheme: RingScheme()).counters
        #expect(c.violations == 0)
        #expect(c.ipisSent == 1)
        #expect(c.rangedFlushesIPI == 1)
        #expect(c.rangedFlushesLocal == 1)
        #expect(c.fullFlushes == 0)
        #expect(c.pagesInvalidated == 4)
    }

    @Test func aCPULazyDuringReclaimCatchesUpOnThePageOnlyWithTheRing() throws {
        // cpu1 idles (lazy) while cpu0 reclaims page 0: the batched flush skips it. Back in A,
        // Linux flushes its whole ASID; the ring read the page from the slot reclaim published.
        let text = """
            cpus 2
            mm A
              map 0-1 write populated
            thread r mm=A cpu=0
              wait go; reclaim 0; signal done
            thread t mm=A cpu=1
              read 1; signal go; wait done; read 1
            """
        let linux = try runRoundRobin(text).counters
        #expect(linux.ipisSkippedLazy == 1)
        #expect(linux.fullFlushesSwitch == 1)
        #expect(linux.tlbHits == 0)
        let ring = try runRoundRobin(text, scheme: RingScheme()).counters
        #expect(ring.ipisSkippedLazy == 1)
        #expect(ring.fullFlushesSwitch == 0)
        #expect(ring.rangedFlushesSwitch == 1)
        #expect(ring.tlbHits == 1)
        #expect(ring.violations == 0)
    }

    @Test func migratingAHintedPageAfterItsFlushCompletedFlushesNothing() throws {
        // pte_accessible(): Linux asks tlb_flush_pending (back to 0), RFC 15 asks whether the
        // VMA's defer_tlb_gen is past tlb_gen_completed (mark_mm_tlb_gen_done() caught up).
        let text = """
            cpus 1
            mm A
              map 0 write populated
            thread t mm=A cpu=0
              write 0; numa-hint 0; migrate 0; write 0
            """
        let linux = try runRoundRobin(text).counters
        let rfc15 = try runRoundRobin(text, scheme: LinuxScheme(.rfc15)).counters
        let ring = try runRoundRobin(text, scheme: RingScheme()).counters
        for counters in [linux, rfc15, ring] {
            #expect(counters.rangedFlushesLocal == 1)  // the hint's own deferred flush only
            #expect(counters.fullFlushes == 0)
            #expect(counters.violations == 0)
        }
    }

    @Test func theBuggyRFCBumpsOnceAndStaysRanged() throws {
        let c = try runRoundRobin(Self.twoTables, scheme: LinuxScheme(.rfc15Buggy)).counters
        #expect(c.violations == 0)
        #expect(c.rangedFlushesIPI == 1)
        #expect(c.fullFlushesIPI == 0)
    }

    @Test func numaHintDefersItsFlushAndTheFaultRestoresThePTE() throws {
        var w = try world(
            """
            cpus 1
            mm A
              map 0 write populated
            thread t mm=A cpu=0
              write 0; numa-hint 0; write 0
            """)
        w.finish()
        #expect(w.violation == nil)
        #expect(w.counters.pageFaults == 1)
        #expect(w.counters.rangedFlushesLocal == 1)
        #expect(w.state.mms[0].ptes[0] == .mapping(0, writable: true))
        #expect(w.state.mms[0].tlbFlushPending == 0)
        #expect(w.trace.contains { $0.function == "do_numa_page" })
    }

    @Test func migrationOfAHintedPageFlushesWhileTheHintIsPending() throws {
        // cpu1 stops after the PTE change, before its deferred flush; cpu2 migrates the page.
        var w = try world(BuiltinScenarios.sources.first { $0.name == "numa-migrate" }!.text)
        w.drive(0, until: { $0.state.events[0] })
        w.drive(1, until: { $0.state.mms[0].ptes[0].isProtNone && $0.state.mms[0].ptlOwners[0] == nil })
        #expect(w.state.mms[0].tlbFlushPending == 1)
        w.drive(2, until: { $0.state.cpus[2].pendingAcks > 0 })
        // ptep_clear_flush() saw pte_accessible() and sent cpu0 (writing in A) an IPI.
        #expect(w.counters.ipisSent == 1)
        w.finish()
        #expect(w.violation == nil)
    }

    @Test func reclaimBatchesItsFlushAndMadviseFlushesItFirst() throws {
        var w = try world(BuiltinScenarios.sources.first { $0.name == "reclaim-madvise" }!.text)
        w.drive(1, until: { $0.state.events[0] })
        w.drive(0, until: { $0.state.mms[0].tlbFlushBatched.pending == 1 && $0.state.mms[0].ptlOwners[0] == nil })
        #expect(w.state.mms[0].ptes[0] == .none)
        #expect(w.state.mms[0].tlbGen == 1)
        // madvise finds the PTE gone and flush_tlb_batched_pending() flushes the whole mm.
        w.drive(1, until: { $0.counters.nrTLBRemoteFlush == 1 })
        #expect(w.trace.last?.detail.contains("flush_tlb_multi") == true)
        w.finish()
        #expect(w.violation == nil)
        #expect(w.state.mms[0].tlbFlushBatched == TLBFlushBatched(pending: 1, flushed: 1))
        #expect(w.counters.pageFaults == 1)
    }

    @Test func withoutTheBatchedCheckMadviseReturnsEarly() throws {
        var w = try world(
            BuiltinScenarios.sources.first { $0.name == "reclaim-madvise" }!.text,
            scheme: LinuxScheme(mutation: .noBatchedPending))
        w.drive(1, until: { $0.state.events[0] })
        w.drive(0, until: { $0.state.mms[0].tlbFlushBatched.pending == 1 && $0.state.mms[0].ptlOwners[0] == nil })
        w.drive(1, until: { $0.violation != nil })
        #expect(w.violation?.kind == .staleTranslation)
        #expect(w.violation?.cpu == 1)
    }
}
