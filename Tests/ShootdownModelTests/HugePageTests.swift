import ShootdownModel
import Testing

/// Transparent huge pages (docs/huge-pages.md, first increment): a huge PMD fills one TLB entry
/// for its whole range (a group in the model's TLB), a zap or mprotect of the whole PMD flushes
/// with the PMD stride (`flush_tlb_mm_range(..., PMD_SHIFT, ...)`: one INVLPG a huge page, and
/// huge pages counted against the 33-entry ceiling), and a partial one splits the PMD first
/// (`__split_huge_pmd()`: `pmdp_invalidate()` and its flush, then the page table).
@Suite struct HugePageTests {
    static let usedWhileChanged = """
        cpus 2
        ptes-per-table 4
        mm A
          map 0-7 write huge populated
        thread t0 mm=A cpu=0
          read 1; write 5; signal touched; spin done; read 2; read 6
        thread t1 mm=A cpu=1
          wait touched; OPERATION; signal done
        """

    static func text(_ operation: String) -> String {
        usedWhileChanged.replacingOccurrences(of: "OPERATION", with: operation)
    }

    /// A huge page of A, a parent thread of A on cpu0 and a thread of the fork's child C on
    /// cpu1, running `parent` and `child`.
    static func forked(parent: String, child: String) -> String {
        """
        cpus 2
        ptes-per-table 4
        mm A
          map 0-3 write huge populated
        mm C
        thread t0 mm=A cpu=0
          \(parent)
        thread t1 mm=C cpu=1
          \(child)
        """
    }

    /// One entry covers the range: `INVLPG` of any page of it, or a range reaching into it,
    /// drops every page of the group; entries around it stay.
    @Test func aHugeEntryIsFilledAndDroppedWhole() {
        var tlb = TLB()
        for page in 4..<8 {
            tlb.fill(TLBEntry(asid: 1, page: page, frame: 10 + page, isWritable: true, mm: 0, hugePages: 4))
        }
        tlb.fill(TLBEntry(asid: 1, page: 3, frame: 3, isWritable: true, mm: 0))
        tlb.fill(TLBEntry(asid: 1, page: 8, frame: 8, isWritable: true, mm: 0))
        #expect(tlb.lookup(asid: 1, page: 6)?.covered == 4..<8)
        var one = tlb
        let found = one.invalidate(asid: 1, page: 6)
        #expect(found)
        #expect(one.entries.map(\.page) == [3, 8])
        var range = tlb
        range.invalidate(asid: 1, pages: 7..<9)
        #expect(range.entries.map(\.page) == [3])
        // flush_tlb_func()'s loop with the PMD stride: one INVLPG at 4 drops the group.
        var strided = tlb
        let invalidations = strided.invalidate(asid: 1, pages: 4..<8, stride: 4)
        #expect(invalidations == 1)
        #expect(strided.entries.map(\.page) == [3, 8])
    }

    /// A fault maps the whole range at once; a walk fills the huge entry, and every page of it
    /// hits afterwards without another walk.
    @Test func aFaultMapsAHugePageAndOneWalkCoversIt() throws {
        let text = """
            cpus 1
            ptes-per-table 4
            mm A
              map 0-3 write huge
            thread t0 mm=A cpu=0
              read 0; write 1; read 2; write 3
            """
        let world = try runRoundRobin(text).world
        #expect(world.counters.hugeFaults == 1)
        #expect(world.counters.pageFaults == 1)
        #expect(world.counters.hugeFills == 1)
        #expect(world.counters.tlbFills == 1)
        #expect(world.counters.tlbHits == 3)
        #expect(world.state.mms[0].hugeTables == 1)
        #expect(world.state.mms[0].hookedTables == 0)
        #expect(world.state.mms[0].ptes.map(\.frame) == [0, 1, 2, 3])
    }

    /// Without a huge page's frames free the fault falls back to a 4 KiB page
    /// (`VM_FAULT_FALLBACK`), and the range keeps its page table.
    @Test func withoutFramesTheFaultFallsBackToASmallPage() throws {
        let text = """
            cpus 1
            ptes-per-table 4
            frames 2
            mm A
              map 0-3 write huge
            thread t0 mm=A cpu=0
              write 0; write 1; read 2
            """
        let world = try runRoundRobin(text).world
        #expect(world.counters.hugeFaults == 0)
        #expect(world.counters.hugeFills == 0)
        #expect(world.state.mms[0].splitTables == 1)
        #expect(world.state.mms[0].ptes[0].frame == 0)
        #expect(world.state.mms[0].ptes[2].frame == world.state.frames.zeroPage)
    }

    /// madvise of a whole huge page: `zap_huge_pmd()`, one INVLPG on each CPU (the PMD stride),
    /// the frames freed after the flush; the next read faults a new huge page in.
    @Test func aWholeZapFlushesOneEntryAHugePage() throws {
        let world = try runRoundRobin(Self.text("madvise 0-3")).world
        #expect(world.counters.pmdFlushes == 1)
        #expect(world.counters.thpSplits == 0)
        #expect(world.counters.nrTLBLocalFlushOne == 1)
        #expect(world.counters.pagesInvalidated == 2)
        #expect(world.counters.fullFlushes == 0)
        #expect(world.counters.hugeFaults == 1)
        #expect(world.state.mms[0].hugeTables == 0b11)
        #expect(world.violation == nil)
    }

    /// Huge pages count one each against `tlb_single_page_flush_ceiling`: 40 pages in ten
    /// huge pages take ten INVLPGs on each CPU; the same pages in 4 KiB PTEs a full flush.
    @Test func theCeilingCountsHugePages() throws {
        let scenario = try #require(BuiltinScenarios.named("thp-ceiling"))
        let huge = Runner(scenario: scenario, scheme: LinuxScheme()).run(.roundRobin).counters
        #expect(huge.pmdFlushes == 1)
        #expect(huge.nrTLBLocalFlushOne == 10)
        #expect(huge.pagesInvalidated == 20)
        #expect(huge.fullFlushes == 0)
        var small = scenario
        small.addressSpaces[0].mappings[0].isHuge = false
        let flat = Runner(scenario: small, scheme: LinuxScheme()).run(.roundRobin).counters
        #expect(flat.pmdFlushes == 0)
        #expect(flat.fullFlushes == 2)
        #expect(flat.pagesInvalidated == 0)
    }

    /// madvise of one page splits the PMD: `pmdp_invalidate()`'s PMD-stride flush, the page
    /// table, then the 4 KiB zap of the page with its own flush.
    @Test func aPartialZapSplitsThePMDFirst() throws {
        let world = try runRoundRobin(Self.text("madvise 1")).world
        #expect(world.counters.thpSplits == 1)
        #expect(world.counters.pmdFlushes == 1)
        #expect(world.counters.nrTLBRemoteFlush == 2)
        #expect(world.counters.pagesInvalidated == 4)
        #expect(world.state.mms[0].hugeTables == 0b10)
        #expect(world.state.mms[0].splitTables == 0b01)
        #expect(world.state.mms[0].ptes[1] == .none)
        #expect(world.state.mms[0].ptes[2] == .mapping(2, writable: true))
        #expect(world.violation == nil)
    }

    /// mprotect of a whole huge page: `change_huge_pmd()`, one PMD-stride flush; the write
    /// after it is refused.
    @Test func aWholeMprotectChangesThePMD() throws {
        let world = try runRoundRobin(Self.text("mprotect 4-7 read")).world
        #expect(world.counters.pmdFlushes == 1)
        #expect(world.counters.thpSplits == 0)
        #expect(world.state.mms[0].ptes[4...7].allSatisfy { $0.isPresent && !$0.isWritable })
        #expect(world.state.mms[0].thpTables == 0b11)
        // Part of a huge page: the VMA splits, so does the PMD, and the range takes no huge
        // faults any more.
        let part = try runRoundRobin(Self.text("mprotect 4-5 read")).world
        #expect(part.counters.thpSplits == 1)
        #expect(part.state.mms[0].thpTables == 0b01)
    }

    /// A huge mapping that is not whole page tables, or where a page table has fewer than two
    /// PTEs, is refused with the line and the way out.
    @Test func unsupportedHugeMappingsAreRefused() {
        let cases = [
            ("ptes-per-table 4\nmm A\n  map 1-4 write huge\nthread t mm=A cpu=0\n  read 1", "aligned"),
            ("mm A\n  map 0-3 write huge\nthread t mm=A cpu=0\n  read 1", "ptes-per-table 512"),
            ("ptes-per-table 4\nmm A\n  map 0-3 write huge huge\nthread t mm=A cpu=0\n  read 1", "[huge]"),
        ]
        for (body, expected) in cases { expectRefused("cpus 1\n" + body, mentioning: expected) }
    }

    /// MADV_COLLAPSE: the page table is detached and flushed, the small pages copied and freed,
    /// a huge PMD installed with the table deposited (no longer hooked); zapping the huge PMD
    /// frees the deposited table.
    @Test func aCollapseReplacesThePageTableByAHugePage() throws {
        let text = """
            cpus 1
            ptes-per-table 2
            mm A
              map 0-1 write populated
            thread t0 mm=A cpu=0
              read 0; collapse 0-1; read 1
            """
        let world = try runRoundRobin(text).world
        #expect(world.counters.thpCollapses == 1)
        #expect(world.counters.nrTLBLocalFlushOne == 2)
        #expect(world.counters.hugeFills == 1)
        #expect(world.state.mms[0].hugeTables == 1)
        #expect(world.state.mms[0].hookedTables == 0)
        #expect(world.state.mms[0].ptes.map(\.frame) == [2, 3])
        #expect(world.state.frames.freeList == [0, 1])
        let zapped = try runRoundRobin(text.replacingOccurrences(of: "read 1", with: "madvise 0-1")).world
        #expect(zapped.counters.pageTablesFreed == 1)
        #expect(zapped.counters.pmdFlushes == 1)
    }

    /// The scan's refusals leave everything as it was: a read-only range (`SCAN_PAGE_RO`), no
    /// page table (`SCAN_PMD_NULL`), no huge page free (`SCAN_ALLOC_HUGE_PAGE_FAIL`).
    @Test func aCollapseTheScanRefusesChangesNothing() throws {
        for (map, frames) in [
            ("map 0-1 read populated", ""), ("map 0-1 write", ""), ("map 0-1 write populated", "frames 2"),
        ] {
            let text = """
                cpus 1
                ptes-per-table 2
                \(frames)
                mm A
                  \(map)
                thread t0 mm=A cpu=0
                  collapse 0-1
                """
            let world = try runRoundRobin(text).world
            #expect(world.counters.thpCollapses == 0, "\(map) \(frames)")
            #expect(world.counters.nrTLBLocalFlushOne == 0)
            #expect(world.state.mms[0].hugeTables == 0)
        }
    }

    /// A collapse that is not one whole, aligned page table is refused.
    @Test func unsupportedCollapsesAreRefused() {
        let cases = [
            ("collapse 1-2", "one page table's range"),
            ("collapse 0-3", "one page table's range"),
        ]
        for (script, expected) in cases {
            expectRefused(
                "cpus 1\nptes-per-table 2\nmm A\n  map 0-3 write\nthread t mm=A cpu=0\n  \(script)",
                mentioning: expected)
        }
    }

    /// fork: `copy_huge_pmd()` shares the huge page read-only; the child's write finds it shared
    /// (`do_huge_pmd_wp_page()`), splits its own PMD and copies one small page; once the child
    /// unmapped the rest, the parent's write reuses its PMD whole.
    @Test func forkSharesAHugePageAndAWriteSplitsIt() throws {
        let text = Self.forked(
            parent: "read 1; fork C; signal forked; wait done; write 1",
            child: "wait forked; write 1; munmap 0-3; signal done")
        let world = try runRoundRobin(text).world
        #expect(world.violation == nil)
        #expect(world.counters.thpSplits == 1)
        #expect(world.counters.pmdFlushes == 1)
        #expect(world.state.mms[1].hugeTables == 0)
        // The parent's PMD: write-protected by the fork, writable again by the reuse.
        #expect(world.state.mms[0].hugeTables == 1)
        #expect(world.state.mms[0].ptes.allSatisfy { $0.isWritable })
        #expect(world.state.mms[0].ptes.map(\.frame) == [0, 1, 2, 3])
    }

    /// After fork, the parent's write splits its PMD and copies one small page; the child's
    /// PMD still covers the folio whose other pages the parent maps by PTEs, so the child's
    /// write splits too (`do_huge_pmd_wp_page()`: folio_ref_count() > 1) instead of making the
    /// whole PMD writable over frames the parent still reads. (Until 2026-12-01 the model
    /// asked only whether the faulting page was shared, and Linux failed this scenario.)
    @Test func aWriteAfterTheOtherSideSplitSplitsToo() throws {
        let text = Self.forked(parent: "fork C; write 0; signal forked", child: "wait forked; write 0; write 1")
        let world = try runRoundRobin(text).world
        #expect(world.violation == nil)
        #expect(world.counters.thpSplits == 2)
        #expect(world.state.mms[0].hugeTables == 0 && world.state.mms[1].hugeTables == 0)
        // The parent copied page 0; the child keeps frame 0 (no one else maps it) and copies
        // page 1, which the parent still maps read-only.
        let parent = world.state.mms[0].ptes
        let child = world.state.mms[1].ptes
        #expect(parent.map(\.frame) == [parent[0].frame, 1, 2, 3] && parent[0].frame! >= 4)
        #expect(parent[1...3].allSatisfy { !$0.isWritable })
        #expect(child[0].frame == 0 && child[0].isWritable)
        #expect(child[1].frame! >= 4 && child[1].frame != parent[0].frame && child[1].isWritable)
        #expect(child[2...3].map(\.frame) == [2, 3] && child[2...3].allSatisfy { !$0.isWritable })
    }

    /// NUMA hinting of a whole huge PMD: `change_huge_pmd(MM_CP_PROT_NUMA)`, one PMD-stride
    /// flush; the next touch takes `do_huge_pmd_numa_page()`, which restores the whole PMD.
    @Test func numaHintingTakesTheWholePMD() throws {
        let world = try runRoundRobin(Self.text("numa-hint 0-3")).world
        #expect(world.violation == nil)
        #expect(world.counters.thpSplits == 0)
        #expect(world.counters.pmdFlushes == 1)
        #expect(world.counters.pageFaults == 1)
        #expect(world.state.mms[0].ptes[0...3].allSatisfy { $0.isPresent && $0.isWritable && !$0.isProtNone })
    }

    /// mremap of a page of a huge page splits the PMD first (`move_page_tables()`'s
    /// `split_huge_pmd()`), then moves the small page's PTE.
    @Test func mremapSplitsFirst() throws {
        let world = try runRoundRobin(Self.text("mremap 2 9")).world
        #expect(world.violation == nil)
        #expect(world.counters.thpSplits == 1)
        #expect(world.state.mms[0].hugeTables == 0b10)
        #expect(world.state.mms[0].ptes[2] == .none)
        #expect(world.state.mms[0].ptes[9] == .mapping(2, writable: true))
    }

    /// Reclaim and migration of a page of a huge page split the PMD first (`TTU_SPLIT_HUGE_PMD`)
    /// and then take the small page.
    @Test func reclaimAndMigrationSplitFirst() throws {
        for operation in ["reclaim 2", "migrate 2", "migrate 2 sync"] {
            let world = try runRoundRobin(Self.text(operation)).world
            #expect(world.violation == nil, "\(operation)")
            #expect(world.counters.thpSplits == 1, "\(operation)")
            #expect(world.state.mms[0].hugeTables == 0b10, "\(operation)")
            #expect(world.state.mms[0].ptes[2].frame != 2, "\(operation)")
        }
    }

    /// A bounded TLB (the simulator's) counts a huge page's group as one entry and evicts it
    /// whole; a hit on any page of it keeps it recent.
    @Test func aBoundedTLBHoldsAHugePageAsOneEntry() {
        var tlb = TLB(capacity: 2, l1Capacity: 1)
        for page in 4..<8 {
            tlb.fill(TLBEntry(asid: 1, page: page, frame: page, isWritable: true, mm: 0, hugePages: 4))
        }
        tlb.fill(TLBEntry(asid: 1, page: 0, frame: 0, isWritable: true, mm: 0))
        #expect(tlb.entries.count == 5)
        _ = tlb.use(asid: 1, page: 6)
        // Full: the small entry is the least recently used and goes; the group stays.
        let evicted = tlb.fill(TLBEntry(asid: 1, page: 1, frame: 1, isWritable: true, mm: 0))
        #expect(evicted)
        #expect(tlb.entries.map(\.page) == [1, 4, 5, 6, 7])
        // Next, the group is the oldest: all four of its entries go at once.
        _ = tlb.use(asid: 1, page: 1)
        tlb.fill(TLBEntry(asid: 1, page: 2, frame: 2, isWritable: true, mm: 0))
        #expect(tlb.entries.map(\.page) == [1, 2])
    }

    /// 6.15's broadcast flush of huge pages counts entries, not pages: `nr = (end - addr) >>
    /// stride_shift`, so ten huge pages are two INVLPGBs of at most eight entries, not five.
    @Test func aBroadcastFlushCountsHugePages() throws {
        let text = """
            cpus 2
            ptes-per-table 4
            invlpgb on threshold 0
            mm A
              map 0-39 write huge populated
            thread t0 mm=A cpu=0
              read 0; read 39; signal touched; wait zapped; read 0; read 39; signal again; wait done
            thread t1 mm=A cpu=1
              wait touched; madvise 0-39; signal zapped; wait again; madvise 0-39; signal done
            """
        let world = try runRoundRobin(text, scheme: Linux615Scheme()).world
        #expect(world.violation == nil)
        #expect(world.counters.globalASIDs == 1)
        #expect(world.counters.tlbsyncs == 1)
        #expect(world.counters.invlpgbs == 2)
    }

    /// Migration puts a migration entry in between the collapse's scan and its isolation (rmap
    /// walkers need no `mmap_lock`): `__collapse_huge_page_isolate()` finds the PTE not present
    /// under the PTE lock and the collapse gives its huge page back; the migration completes,
    /// nothing is freed twice, nothing stale is used.
    @Test func aCollapseThatFindsAMigrationEntryFails() throws {
        var w = try world(
            """
            cpus 2
            ptes-per-table 2
            mm A
              map 0-1 write populated
            thread t0 mm=A cpu=0
              collapse 0-1; write 1
            thread t1 mm=A cpu=1
              migrate 0 sync; read 0
            """)
        w.drive(0, until: { $0.state.mms[0].mmapLock.isWriteLocked })  // scanned, huge page allocated
        // cpu1 unmaps page 0 and drops the PTL, its copy still to come (ptep_clear_flush: cpu0
        // takes the IPI and runs flush_tlb_func()).
        func unmapped(_ w: World<LinuxScheme>) -> Bool {
            w.state.mms[0].ptes[0].isMigrationEntry && w.state.mms[0].ptlOwners[0] == nil
        }
        while !unmapped(w) {
            if w.canStep(1) || w.canInterrupt(1) {
                w.drive(1, until: { unmapped($0) || !$0.canStep(1) && !$0.canInterrupt(1) })
            } else if w.canInterrupt(0) {
                w.perform(.interrupt(cpu: 0))
            } else {
                try #require(w.state.cpus[0].stack.last?.functionName == "flush_tlb_func")
                w.perform(.step(cpu: 0))
            }
        }
        w.drive(0, until: { $0.state.threads[0].pc == 1 })
        #expect(w.counters.thpCollapses == 0)
        #expect(w.state.cpus[0].gatherFrames.isEmpty)
        #expect(!w.state.mms[0].mmapLock.isWriteLocked)
        w.finish()
        #expect(w.violation == nil)
        #expect(w.state.mms[0].hugeTables == 0)
        #expect(w.state.mms[0].ptes.allSatisfy { $0.isPresent })
    }
}
