import ShootdownModel

/// Counters as an aligned two-column table, with what each one means.
public enum CounterTable {
    /// One line per counter: name, value, meaning.
    public static func render(_ counters: Counters) -> String {
        let rows = counters.named
        let width = rows.map(\.name.count).max() ?? 0
        let valueWidth = rows.map { String($0.value).count }.max() ?? 0
        return rows.map { row in
            let name = row.name.padding(toLength: width, withPad: " ", startingAt: 0)
            let value = String(repeating: " ", count: valueWidth - String(row.value).count) + String(row.value)
            return "  \(name)  \(value)  \(meaning[row.name] ?? "")"
        }.joined(separator: "\n")
    }

    /// What each counter counts (also in README.md, "Counters").
    public static let meaning: [String: String] = [
        "nr_tlb_remote_flush": "flushes sent through flush_tlb_multi (vmstat)",
        "nr_tlb_remote_flush_received": "flush_tlb_func runs on non-initiating CPUs (vmstat)",
        "nr_tlb_local_flush_all": "full flushes by the initiator's flush_tlb_func (vmstat)",
        "nr_tlb_local_flush_one": "pages INVLPG'd by the initiator's flush_tlb_func (vmstat)",
        "full_flushes": "full flushes of an ASID, all CPUs and causes",
        "full_flushes_ipi": "... in flush_tlb_func on an IPI",
        "full_flushes_local": "... in flush_tlb_func on the initiator",
        "full_flushes_switch": "... by a CR3 write in switch_mm_irqs_off",
        "ranged_flushes": "flush_tlb_func runs that INVLPG a range, all CPUs",
        "ranged_flushes_ipi": "... on an IPI",
        "ranged_flushes_local": "... on the initiator",
        "ranged_flushes_switch": "... by the ring's catch-up in switch_mm_irqs_off",
        "ring_slots_read": "flush-ring slots read by catch-ups",
        "ipis_sent": "flush IPIs queued to other CPUs",
        "ipis_skipped_lazy": "cpumask CPUs not interrupted because lazy",
        "cpumask_switch_writes": "atomic mm_cpumask writes by switch_mm_irqs_off",
        "cpumask_trims": "own bits cleared by flush_tlb_func (TLB_REMOTE_WRONG_CPU)",
        "pages_invalidated": "INVLPG instructions",
        "invlpgbs": "INVLPGB broadcast invalidations issued (6.15)",
        "tlbsyncs": "TLBSYNC waits for them (6.15)",
        "global_asids": "global ASIDs assigned by use_global_asid (6.15)",
        "entries_flushed": "TLB entries dropped by full flushes",
        "tlb_fills": "page walks that filled a TLB entry",
        "tlb_hits": "accesses through a cached translation",
        "tlb_l2_hits": "... served by the second-level TLB (simulator)",
        "tlb_evictions": "entries evicted from a full TLB (simulator)",
        "accesses": "user accesses completed",
        "page_faults": "page faults handled",
        "segfaults": "accesses refused (no VMA, protection, or out of frames)",
        "context_switches": "context switches",
        "asid_evictions": "ASID slots taken from another mm by choose_new_asid",
        "zero_page_maps": "read faults that mapped the zero page (do_anonymous_page)",
        "zero_page_copies": "writes that copied the zero page (wp_page_copy, ptep_clear_flush)",
        "page_tables_freed": "page-table pages freed by free_pgtables (tracked ones)",
        "psc_flushes": "flushes that dropped paging-structure-cache entries",
        "huge_faults": "faults that mapped a huge page (do_huge_pmd_anonymous_page)",
        "huge_fills": "page walks that filled a huge page's TLB entry",
        "pmd_flushes": "flush_tlb_mm_range calls with the PMD stride (one INVLPG a huge page)",
        "thp_splits": "huge PMDs split into page tables (__split_huge_pmd)",
        "thp_collapses": "page tables' ranges collapsed into huge pages (collapse_huge_page)",
        "steps": "scheduler actions executed",
        "violations": "safety violations (the run stops at the first)",
    ]
}
