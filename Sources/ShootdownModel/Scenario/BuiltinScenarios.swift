/// The scenarios that ship with Shootdown, each a small file in the scenario format that
/// exercises one path of the protocol (README.md lists them; `shootdown list` prints them).
public enum BuiltinScenarios {
    /// Name and source text of every built-in scenario, in listing order.
    public static let sources: [(name: String, text: String)] = [
        (
            "local-flush",
            """
            # One CPU: munmap flushes its own TLB only, one page with INVLPG.
            cpus 1
            mm A
              map 0-3 write populated
            thread t0 mm=A cpu=0
              write 0; write 1; munmap 0; read 1; write 0
            """
        ),
        (
            "remote-ipi",
            """
            # A CPU running in the mm gets a flush IPI and invalidates the one page.
            cpus 2
            mm A
              map 0-3 write populated
            thread t0 mm=A cpu=0
              write 0; signal touched; write 0 x16; spin done; write 0
            thread t1 mm=A cpu=1
              wait touched; madvise 0; signal done
            """
        ),
        (
            "lazy-return",
            """
            # A CPU idles in lazy TLB mode during a flush, is skipped, and catches up when it returns.
            cpus 2
            mm A
              map 0-3 write populated
            thread t0 mm=A cpu=0
              write 0; signal touched; wait done; write 0
            thread t1 mm=A cpu=1
              wait touched; madvise 0; signal done
            """
        ),
        (
            "lazy-sleep",
            """
            # The smallest lazy case: a CPU naps in its idle task while another zaps a page it cached.
            cpus 2
            mm A
              map 0-3 write populated
            thread t0 mm=A cpu=0
              write 0; sleep; write 0
            thread t1 mm=A cpu=1
              madvise 0
            """
        ),
        (
            "switch-away",
            """
            # A CPU switches to another mm during the flush, gets no IPI, and catches up in choose_new_asid.
            cpus 2
            mm A
              map 0-3 write populated
            mm B
              map 0-3 write populated
            thread t0 mm=A cpu=0
              write 0; signal touched; wait done; write 0
            thread u0 mm=B cpu=0
              write 1; yield; write 2; yield; write 3
            thread t1 mm=A cpu=1
              wait touched; madvise 0; signal done
            """
        ),
        (
            "zero-page",
            """
            # A read fault maps the shared zero page; the first write copies it, and its ptep_clear_flush() drops the zero page's entry from the CPU still reading it.
            cpus 2
            mm A
              map 0-1 write
            thread t0 mm=A cpu=0
              read 0; signal touched; read 0 x4; spin done; read 0
            thread t1 mm=A cpu=1
              wait touched; write 0; signal done
            """
        ),
        (
            "mremap-migrate",
            """
            # mremap moves a page another CPU keeps writing while migration (the synchronous fallback) takes it at its new address: the old address's entries must be gone before the page-table locks drop (CVE-2018-18281).
            cpus 3
            mm A
              map 0 write populated
            thread t0 mm=A cpu=0
              write 0; signal touched; write 0; write 0; write 0
            thread t1 mm=A cpu=1
              wait touched; mremap 0 2
            thread t2 mm=A cpu=2
              wait touched; migrate 2 sync
            """
        ),
        (
            "nopcid-switch",
            """
            # Without PCID every switch to another mm flushes the TLB: back in A, a CPU never reads B's entries.
            cpus 2
            pcid off
            mm A
              map 0-3 write populated
            mm B
              map 0-3 write populated
            thread t0 mm=A cpu=0
              write 0; yield; read 0; signal touched; wait done; write 0
            thread u0 mm=B cpu=0
              write 0; yield; write 0
            thread t1 mm=A cpu=1
              wait touched; madvise 0; signal done
            """
        ),
        (
            "thp-split",
            """
            # madvise of one page of a huge page splits its PMD: pmdp_invalidate()'s flush drops the huge entry from the CPU still reading the other pages before a page table replaces the PMD.
            cpus 2
            ptes-per-table 4
            mm A
              map 0-3 write huge populated
            thread t0 mm=A cpu=0
              read 1; signal touched; read 2 x3; spin done; read 3
            thread t1 mm=A cpu=1
              wait touched; madvise 0; signal done
            """
        ),
        (
            "thp-zap",
            """
            # madvise of a whole huge page zaps its PMD as one entry: one INVLPG (the PMD stride) drops the huge entry from the CPU still reading before the frames are freed; the next read faults a new huge page in.
            cpus 2
            ptes-per-table 4
            mm A
              map 0-3 write huge populated
            thread t0 mm=A cpu=0
              read 1; signal touched; read 2 x3; spin done; read 3
            thread t1 mm=A cpu=1
              wait touched; madvise 0-3; signal done
            """
        ),
        (
            "thp-ceiling",
            """
            # madvise of ten huge pages (40 pages): flush_tlb_mm_range() counts them against the 33-entry ceiling in PMD strides, so each CPU INVLPGs ten times instead of flushing everything.
            cpus 2
            ptes-per-table 4
            mm A
              map 0-39 write huge populated
            thread t0 mm=A cpu=0
              read 0; read 39; signal touched; spin done; read 39
            thread t1 mm=A cpu=1
              wait touched; madvise 0-39; signal done
            """
        ),
        (
            "thp-collapse",
            """
            # MADV_COLLAPSE detaches a page table while a lazy CPU still has the mm loaded: pmdp_collapse_flush()'s flush_tlb_range() must interrupt it (freed_tables, CVE-2025-22045), for zap_huge_pmd() frees the deposited table at once.
            cpus 2
            ptes-per-table 2
            mm A
              map 0-1 write populated
            thread t0 mm=A cpu=0
              read 0; signal touched; sleep; wait done; read 1
            thread t1 mm=A cpu=1
              wait touched; collapse 0-1; madvise 0-1; signal done
            """
        ),
        (
            "khugepaged",
            """
            # khugepaged collapses a range of A from a CPU that does not run A: its flush_tlb_range() interrupts A's CPUs, the lazy one too (CVE-2025-22045's path), and no flush is local; A's zap later frees the deposited table.
            cpus 3
            ptes-per-table 2
            mm A
              map 0-1 write populated
            thread t0 mm=A cpu=0
              read 0; signal touched; sleep; wait done; read 1
            kthread khugepaged cpu=1 target=A
              wait touched; collapse 0-1; signal collapsed
            thread t2 mm=A cpu=2
              wait collapsed; madvise 0-1; signal done
            """
        ),
        (
            "thp-collapse-use",
            """
            # MADV_COLLAPSE of a page another CPU keeps writing: the flush drops that CPU's entry before the small page is copied and freed, so no write lands in it afterwards.
            cpus 2
            ptes-per-table 2
            mm A
              map 0-1 write populated
            thread t0 mm=A cpu=0
              write 0; signal touched; write 0 x3; spin done; write 1
            thread t1 mm=A cpu=1
              wait touched; collapse 0-1; signal done
            """
        ),
        (
            "thp-fork-cow",
            """
            # fork shares a huge page read-only; the parent's write finds it shared, splits its PMD (a PMD-stride flush) and copies one small page, while its other CPU keeps reading the huge page.
            cpus 2
            ptes-per-table 2
            mm A
              map 0-1 write huge populated
            mm C
            thread t0 mm=A cpu=0
              read 1; signal touched; read 1 x3; spin done; read 1
            thread t1 mm=A cpu=1
              wait touched; fork C; write 0; signal done
            """
        ),
        (
            "thp-reclaim-use",
            """
            # Reclaim of a page of a huge page another CPU keeps reading: the PMD is split first (TTU_SPLIT_HUGE_PMD), then the small page unmapped with its flush batched and freed after it.
            cpus 2
            ptes-per-table 2
            mm A
              map 0-1 write huge populated
            thread t0 mm=A cpu=0
              read 0; signal touched; read 0 x3; spin done; read 0
            thread t1 mm=A cpu=1
              wait touched; reclaim 0; signal done
            """
        ),
        (
            "freed-tables",
            """
            # munmap of a whole VMA frees the page table, so the flush interrupts lazy CPUs too.
            cpus 2
            mm A
              map 0-1 write populated
            thread t0 mm=A cpu=0
              read 0; signal touched; sleep; wait done; read 1
            thread t1 mm=A cpu=1
              wait touched; munmap 0-1; signal done
            """
        ),
        (
            "freed-table-use",
            """
            # A CPU keeps reading a page while munmap frees its page table: the flush must drop its paging-structure entries before the table is freed.
            cpus 2
            pages 4
            ptes-per-table 2
            mm A
              map 0-1 write populated
              map 2-3 write populated
            thread t0 mm=A cpu=0
              read 2; signal touched; read 3; read 2; read 0
            thread t1 mm=A cpu=1
              wait touched; munmap 2-3; read 0
            """
        ),
        (
            "concurrent-flushes",
            """
            # Two migrations (the synchronous fallback) in different page tables flush one page each at once; a CPU two generations behind flushes fully.
            cpus 3
            pages 4
            ptes-per-table 2
            mm A
              map 0-3 write populated
            thread t0 mm=A cpu=0
              wait go; migrate 0 sync; signal done0
            thread t1 mm=A cpu=1
              wait go; migrate 2 sync; signal done1
            thread t2 mm=A cpu=2
              write 0; write 2; write 3; signal go; spin done0; spin done1; write 0; write 2; write 3
            """
        ),
        (
            "ceiling",
            """
            # A 34-page munmap exceeds tlb_single_page_flush_ceiling (33) and becomes a full flush.
            cpus 2
            mm A
              map 0-39 write populated
            thread t0 mm=A cpu=0
              read 0; read 33; read 39; signal touched; spin done; read 39; read 0
            thread t1 mm=A cpu=1
              wait touched; madvise 0-33; signal done
            """
        ),
        (
            "nested-madvise",
            """
            # Two threads zap the same page at once; the one that clears nothing must still flush (mm_tlb_flush_nested).
            cpus 3
            mm A
              map 0-1 write populated
            thread t0 mm=A cpu=0
              wait go; madvise 0; signal done0
            thread t1 mm=A cpu=1
              wait go; madvise 0; signal done1
            thread t2 mm=A cpu=2
              write 0; signal go; spin done1; write 0; spin done0
            """
        ),
        (
            "mprotect",
            """
            # mprotect(PROT_READ) must stop writes through other CPUs' writable entries.
            cpus 2
            mm A
              map 0-1 write populated
            thread t0 mm=A cpu=0
              write 0; signal touched; spin done; write 0
            thread t1 mm=A cpu=1
              wait touched; mprotect 0 read; signal done
            """
        ),
        (
            "asid-recycle",
            """
            # Seven address spaces on one CPU: the sixth takes init_mm's ASID slot, the seventh recycles the first's.
            cpus 2
            mm A
              map 0 write populated
            mm B
              map 0 write populated
            mm C
              map 0 write populated
            mm D
              map 0 write populated
            mm E
              map 0 write populated
            mm F
              map 0 write populated
            mm G
              map 0 write populated
            thread a mm=A cpu=0
              write 0; signal a-ran; wait unmapped; write 0
            thread b mm=B cpu=0
              read 0
            thread c mm=C cpu=0
              read 0
            thread d mm=D cpu=0
              read 0
            thread e mm=E cpu=0
              read 0
            thread f mm=F cpu=0
              read 0
            thread g mm=G cpu=0
              read 0
            thread a1 mm=A cpu=1
              wait a-ran; madvise 0; signal unmapped
            """
        ),
        (
            "frame-reuse",
            """
            # A freed frame goes to another mm at once; a stale entry would write into it.
            cpus 2
            mm A
              map 0 write populated
            mm B
              map 0 write
            thread t0 mm=A cpu=0
              write 0; signal touched; write 0 x16; spin done; write 0
            thread t1 mm=A cpu=1
              wait touched; munmap 0; signal freed
            kthread k cpu=1
              wait freed; work
            thread u mm=B cpu=1
              wait freed; write 0; signal done
            """
        ),
        (
            "seed-thread",
            """
            # The seed thread: a CPU catches up on a switch while A's mprotect is mid-way, and must not skip the rest.
            cpus 2
            ptes-per-table 1
            mm A
              map 0-1 write populated
            mm P
              map 0 write populated
            thread p mm=P cpu=0
              yield; read 0; yield; read 0
            thread t1 mm=A cpu=0
              write 1; wait done; write 1
            thread t0 mm=A cpu=1
              mprotect 0-1 read; signal done
            """
        ),
        (
            "numa-migrate",
            """
            # NUMA hinting defers its flush; migrating the hinted page must flush before the copy.
            cpus 3
            mm A
              map 0 write populated
            thread w mm=A cpu=0
              write 0; signal touched; spin migrated; write 0
            thread h mm=A cpu=1
              wait touched; numa-hint 0
            thread m mm=A cpu=2
              wait touched; migrate 0; signal migrated
            """
        ),
        (
            "reclaim-madvise",
            """
            # Reclaim batches its flush; a madvise that finds the PTE already gone must flush it first.
            cpus 2
            mm A
              map 0 write populated
            thread r mm=A cpu=0
              wait touched; reclaim 0
            thread t mm=A cpu=1
              write 0; signal touched; madvise 0; write 0
            """
        ),
        (
            "reclaim-mprotect",
            """
            # The 2017 bug: reclaim batches its flush; mprotect finds the PTE gone, and a write must not get through after it returns.
            cpus 2
            mm A
              map 0 write populated
            thread r mm=A cpu=0
              wait touched; reclaim 0
            thread t mm=A cpu=1
              write 0; signal touched; mprotect 0 read; write 0
            """
        ),
        (
            "reclaim-use",
            """
            # Reclaim takes a page another CPU keeps writing: the writer's entry must be gone before the frame is freed.
            cpus 2
            mm A
              map 0 write populated
            thread r mm=A cpu=0
              wait touched; reclaim 0
            thread u mm=A cpu=1
              write 0; signal touched; write 0; write 0; read 0
            """
        ),
        (
            "migrate-use",
            """
            # Migration moves a page another CPU keeps writing: writes before the copy land in the old frame, later ones wait and reach the new.
            cpus 2
            mm A
              map 0 write populated
            thread m mm=A cpu=0
              wait touched; migrate 0
            thread u mm=A cpu=1
              write 0; signal touched; write 0; write 0; read 0
            """
        ),
        (
            "fork-cow",
            """
            # fork shares a page copy-on-write: the parent's CPUs lose write access at fork, and a write that copies the page flushes the old entry everywhere.
            cpus 2
            mm P
              map 0 write populated
            mm C
            thread t0 mm=P cpu=0
              write 0; fork C; signal forked; write 0
            thread t1 mm=P cpu=1
              write 0; spin forked; read 0; read 0; write 0
            """
        ),
        (
            "cow-mprotect",
            """
            # After fork, mprotect(PROT_READ) then back to PROT_WRITE must leave the shared page read-only: the parent's write copies it.
            cpus 1
            mm P
              map 0 write populated
            mm C
            thread t0 mm=P cpu=0
              fork C; mprotect 0 read; mprotect 0 write; write 0
            """
        ),
        (
            "racing-writers",
            """
            # Two CPUs flush at once; one caught up between the two generations and caches the page it then migrates.
            cpus 2
            ptes-per-table 1
            mm A
              map 0-1 write populated
            thread m mm=A cpu=0
              migrate 0 sync
            thread t mm=A cpu=1
              sleep; read 1; migrate 1 sync; read 1
            """
        ),
        (
            "switch-in-flush",
            """
            # A CPU switches back to A while a zap of A bumps tlb_gen: the flush may skip it only if it reads the new generation (should_flush_tlb(): CVE-2025-37964 and 6.6.y's backport of its fix).
            cpus 2
            mm A
              map 0 write populated
            mm B
              map 0 write populated
            thread r mm=A cpu=1
              read 0; signal cached; yield; read 0
            thread b mm=B cpu=1
              read 0; yield
            thread w mm=A cpu=0
              wait cached; madvise 0
            """
        ),
        (
            "invlpgb-switch",
            """
            # 6.15 with INVLPGB: A gets a global ASID after x's munmap while cpu1 switches back to A on its dynamic ASID; x2's munmap is an INVLPGB, and finish_asid_transition() must find cpu1 (threshold 1: two active CPUs suffice).
            cpus 2
            invlpgb on threshold 1
            mm A
              map 0-2 write populated
            mm B
              map 0 write populated
            thread x mm=A cpu=0
              munmap 2
            thread x2 mm=A cpu=0
              munmap 0
            thread a mm=A cpu=1
              read 0; wait back; read 0
            thread b mm=B cpu=1
              read 0; signal back
            """
        ),
        (
            "invlpgb-reclaim",
            """
            # 6.15 with INVLPGB: reclaim's batched flush is one INVLPGB of every non-global translation on every CPU; cpu1 caches page 0 on its dynamic ASID (A has no global ASID: threshold 3).
            cpus 2
            invlpgb on
            mm A
              map 0-1 write populated
            thread y mm=A cpu=1
              read 0; signal cached; read 0
            thread r mm=A cpu=0
              wait cached; reclaim 0
            """
        ),
    ]

    /// The names of the built-in scenarios.
    public static var names: [String] { sources.map(\.name) }

    /// The built-in scenario of that name, parsed.
    public static func named(_ name: String) -> Scenario? {
        guard let text = sources.first(where: { $0.name == name })?.text else { return nil }
        do {
            return try ScenarioFormat.parse(text, source: name)
        } catch {
            preconditionFailure("built-in scenario \(name) does not parse: \(error)")
        }
    }
}
