/// Event counts of one run, named as the kernel's vm events where the kernel has one
/// (`/proc/vmstat` with `CONFIG_DEBUG_TLBFLUSH`).
public struct Counters: Hashable, Sendable {
    /// `nr_tlb_remote_flush`: flushes that went through `flush_tlb_multi()`.
    public var nrTLBRemoteFlush = 0
    /// `nr_tlb_remote_flush_received`: `flush_tlb_func()` runs on a CPU other than the initiator.
    public var nrTLBRemoteFlushReceived = 0
    /// `nr_tlb_local_flush_all`: full flushes by `flush_tlb_func()` on the initiator.
    public var nrTLBLocalFlushAll = 0
    /// `nr_tlb_local_flush_one`: pages flushed one by one by `flush_tlb_func()` on the initiator.
    public var nrTLBLocalFlushOne = 0
    /// Full flushes of an ASID on any CPU, by cause.
    public var fullFlushesIPI = 0
    public var fullFlushesLocal = 0
    public var fullFlushesSwitch = 0
    /// Ranged flushes (one `flush_tlb_func()` run doing INVLPGs), by cause.
    public var rangedFlushesIPI = 0
    public var rangedFlushesLocal = 0
    /// ... and by the ring's catch-up in `switch_mm_irqs_off()` (`switch=ranged`).
    public var rangedFlushesSwitch = 0
    /// Slots of the flush ring read by catch-ups (the ring schemes).
    public var ringSlotsRead = 0
    /// Flush IPIs queued to another CPU.
    public var ipisSent = 0
    /// CPUs of the cpumask not interrupted because they were lazy.
    public var ipisSkippedLazy = 0
    /// Atomic writes to an mm_cpumask by `switch_mm_irqs_off()` (`cpumask_set_cpu()`,
    /// `cpumask_clear_cpu()`): the contended cache line the lazy mm_cpumask (6.14) avoids.
    public var cpumaskSwitchWrites = 0
    /// `flush_tlb_func()` runs that found another mm loaded and cleared their CPU's bit in the
    /// flushed mm's cpumask (`TLB_REMOTE_WRONG_CPU`, the lazy mm_cpumask's trimming).
    public var cpumaskTrims = 0
    /// INVLPG instructions executed.
    public var pagesInvalidated = 0
    /// INVLPGB instructions issued (6.15's broadcast invalidation): one per
    /// ``invlpgbCountMax`` pages of a range, one for a whole PCID or every non-global entry.
    public var invlpgbs = 0
    /// TLBSYNCs: waits for a CPU's INVLPGBs to complete everywhere.
    public var tlbsyncs = 0
    /// Global ASIDs assigned by `use_global_asid()`.
    public var globalASIDs = 0
    /// TLB entries dropped by full flushes.
    public var entriesFlushed = 0
    /// Page walks that filled a TLB entry.
    public var tlbFills = 0
    /// Accesses served by a cached translation.
    public var tlbHits = 0
    /// ... of which the second-level TLB served (bounded TLBs: the simulator).
    public var tlbL2Hits = 0
    /// Entries a fill evicted from a full TLB (bounded TLBs: the simulator).
    public var tlbEvictions = 0
    /// User accesses completed.
    public var accesses = 0
    /// Page faults handled (a page installed or found installed).
    public var pageFaults = 0
    /// Accesses refused with SIGSEGV (no VMA, or the VMA forbids the access).
    public var segfaults = 0
    /// Context switches.
    public var contextSwitches = 0
    /// ASID slots taken from another mm by `choose_new_asid()`.
    public var asidEvictions = 0
    /// Read faults that mapped the shared zero page (`do_anonymous_page()`).
    public var zeroPageMaps = 0
    /// Writes that replaced the zero page by a page of their own (`wp_page_copy()`, with its
    /// `ptep_clear_flush()`).
    public var zeroPageCopies = 0
    /// Page-table pages freed by `free_pgtables()` (after the flush), among those the model
    /// tracks (``Scenario/freeablePageTables``).
    public var pageTablesFreed = 0
    /// Flushes (a CR3 write with a flush, `INVLPG`, a full flush) that dropped paging-structure-
    /// cache entries pointing at unhooked or freed page tables.
    public var pscFlushes = 0
    /// Faults that mapped a transparent huge page (`do_huge_pmd_anonymous_page()`: the kernel's
    /// `thp_fault_alloc`).
    public var hugeFaults = 0
    /// TLB fills from a huge PMD: one entry for a whole page table's range.
    public var hugeFills = 0
    /// `flush_tlb_mm_range()` calls with the PMD stride (`stride_shift = PMD_SHIFT`: a zap or
    /// mprotect of whole huge PMDs, `pmdp_invalidate()`), which count and invalidate one
    /// entry per huge page.
    public var pmdFlushes = 0
    /// Huge PMDs split into page tables (`__split_huge_pmd()`: the kernel's `thp_split_pmd`).
    public var thpSplits = 0
    /// Page tables' ranges collapsed into huge pages (`collapse_huge_page()`:
    /// `thp_collapse_alloc`).
    public var thpCollapses = 0
    /// Scheduler actions executed.
    public var steps = 0
    /// Safety violations (the run stops at the first).
    public var violations = 0

    /// All zero.
    public init() {}

    /// Adds every count of `other` (totals over many runs).
    public mutating func add(_ other: Counters) {
        nrTLBRemoteFlush += other.nrTLBRemoteFlush
        nrTLBRemoteFlushReceived += other.nrTLBRemoteFlushReceived
        nrTLBLocalFlushAll += other.nrTLBLocalFlushAll
        nrTLBLocalFlushOne += other.nrTLBLocalFlushOne
        fullFlushesIPI += other.fullFlushesIPI
        fullFlushesLocal += other.fullFlushesLocal
        fullFlushesSwitch += other.fullFlushesSwitch
        rangedFlushesIPI += other.rangedFlushesIPI
        rangedFlushesLocal += other.rangedFlushesLocal
        rangedFlushesSwitch += other.rangedFlushesSwitch
        ringSlotsRead += other.ringSlotsRead
        ipisSent += other.ipisSent
        ipisSkippedLazy += other.ipisSkippedLazy
        cpumaskSwitchWrites += other.cpumaskSwitchWrites
        cpumaskTrims += other.cpumaskTrims
        pagesInvalidated += other.pagesInvalidated
        invlpgbs += other.invlpgbs
        tlbsyncs += other.tlbsyncs
        globalASIDs += other.globalASIDs
        entriesFlushed += other.entriesFlushed
        tlbFills += other.tlbFills
        tlbHits += other.tlbHits
        tlbL2Hits += other.tlbL2Hits
        tlbEvictions += other.tlbEvictions
        accesses += other.accesses
        pageFaults += other.pageFaults
        segfaults += other.segfaults
        contextSwitches += other.contextSwitches
        asidEvictions += other.asidEvictions
        zeroPageMaps += other.zeroPageMaps
        zeroPageCopies += other.zeroPageCopies
        pageTablesFreed += other.pageTablesFreed
        pscFlushes += other.pscFlushes
        hugeFaults += other.hugeFaults
        hugeFills += other.hugeFills
        pmdFlushes += other.pmdFlushes
        thpSplits += other.thpSplits
        thpCollapses += other.thpCollapses
        steps += other.steps
        violations += other.violations
    }

    /// Full flushes on all CPUs, all causes.
    public var fullFlushes: Int { fullFlushesIPI + fullFlushesLocal + fullFlushesSwitch }
    /// Ranged flushes on all CPUs, all causes.
    public var rangedFlushes: Int { rangedFlushesIPI + rangedFlushesLocal + rangedFlushesSwitch }

    /// Every counter with its printed name, in a fixed order.
    public var named: [(name: String, value: Int)] {
        [
            ("nr_tlb_remote_flush", nrTLBRemoteFlush),
            ("nr_tlb_remote_flush_received", nrTLBRemoteFlushReceived),
            ("nr_tlb_local_flush_all", nrTLBLocalFlushAll),
            ("nr_tlb_local_flush_one", nrTLBLocalFlushOne),
            ("full_flushes", fullFlushes),
            ("full_flushes_ipi", fullFlushesIPI),
            ("full_flushes_local", fullFlushesLocal),
            ("full_flushes_switch", fullFlushesSwitch),
            ("ranged_flushes", rangedFlushes),
            ("ranged_flushes_ipi", rangedFlushesIPI),
            ("ranged_flushes_local", rangedFlushesLocal),
            ("ranged_flushes_switch", rangedFlushesSwitch),
            ("ring_slots_read", ringSlotsRead),
            ("ipis_sent", ipisSent),
            ("ipis_skipped_lazy", ipisSkippedLazy),
            ("cpumask_switch_writes", cpumaskSwitchWrites),
            ("cpumask_trims", cpumaskTrims),
            ("pages_invalidated", pagesInvalidated),
            ("invlpgbs", invlpgbs),
            ("tlbsyncs", tlbsyncs),
            ("global_asids", globalASIDs),
            ("entries_flushed", entriesFlushed),
            ("tlb_fills", tlbFills),
            ("tlb_hits", tlbHits),
            ("tlb_l2_hits", tlbL2Hits),
            ("tlb_evictions", tlbEvictions),
            ("accesses", accesses),
            ("page_faults", pageFaults),
            ("segfaults", segfaults),
            ("context_switches", contextSwitches),
            ("asid_evictions", asidEvictions),
            ("zero_page_maps", zeroPageMaps),
            ("zero_page_copies", zeroPageCopies),
            ("page_tables_freed", pageTablesFreed),
            ("psc_flushes", pscFlushes),
            ("huge_faults", hugeFaults),
            ("huge_fills", hugeFills),
            ("pmd_flushes", pmdFlushes),
            ("thp_splits", thpSplits),
            ("thp_collapses", thpCollapses),
            ("steps", steps),
            ("violations", violations),
        ]
    }

    /// The counter of that printed name.
    public subscript(name: String) -> Int? { named.first { $0.name == name }?.value }
}
