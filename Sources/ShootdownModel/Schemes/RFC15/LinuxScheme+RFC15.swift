/// Nadav Amit's "[RFC 15/20] mm: detect deferred TLB flushes in vma granularity" (Jan 2021), on
/// top of RFC 08 ("mm: store completed TLB generation"), as the seed thread discusses it.
///
/// Every `mmu_gather` (munmap, madvise, mprotect, NUMA hinting) takes its generation when it
/// leaves each page table it changed, `tlb_end_ptes()` -> `track_defer_tlb_flush()`:
/// ```
/// read_defer_tlb_flush_gen(tlb):
///     mm_gen = atomic64_read(&mm->tlb_gen)
///     if (mm_gen != tlb->defer_gen)            // rfc15-buggy; rfc15 bumps every time
///         tlb->defer_gen = inc_mm_tlb_gen(mm)
/// store_deferred_tlb_gen(tlb): atomic max of vma->defer_tlb_gen with tlb->defer_gen
/// ```
/// and the final x86 `tlb_flush()` does not bump again: it skips the flush when a newer
/// generation already completed, else calls `flush_tlb_mm_range_gen(..., tlb->defer_gen)`, which
/// uses `defer_gen` as `new_tlb_gen`. `flush_tlb_mm_range()` ends with
/// `mark_mm_tlb_gen_done(mm, new_tlb_gen)` (an atomic max into `tlb_gen_completed`).
/// `pte_accessible()` asks the VMA (`defer_tlb_gen > tlb_gen_completed`) instead of the mm-wide
/// `tlb_flush_pending`, which stays for `mm_tlb_flush_nested()`.
///
/// Where the posting is not explicit the model takes the safe reading, said in
/// docs/rfc15.md: `tlb_end_ptes()` runs before the PTL is dropped, a gather that cleared no PTE
/// (only `mm_tlb_flush_nested()`'s forced flush) flushes with a fresh generation, and
/// `pte_tlb_flush_pending()` compares in the direction its name says.
extension LinuxScheme {
    /// RFC 08: `tlb_gen` and `tlb_gen_completed` start at 1, "so default generation 0 will be
    /// considered as flushed". Linux starts `tlb_gen` at 0.
    public var initialTLBGen: UInt64 { variant == .linux ? 0 : 1 }

    /// Whether `mmu_gather` takes its generation per page table (`track_defer_tlb_flush()`)
    /// and flushes with it (`flush_tlb_mm_range_gen()`), keeping `tlb_gen_completed`.
    var tracksDeferredGenerations: Bool { variant != .linux }

    /// Every gather under RFC 15 (`tlb_end_ptes()` is in the generic mmu_gather code).
    public func takesGenerationPerTable(_ kind: PTEBatchCall.Kind) -> Bool { tracksDeferredGenerations }

    /// RFC 08's `tlb_gen_completed`, with the `rfc15` schemes.
    public var keepsCompletedGeneration: Bool { tracksDeferredGenerations }

    /// `read_defer_tlb_flush_gen()`: whether to call `inc_mm_tlb_gen()` now.
    /// - Parameters:
    ///   - mmTLBGen: `atomic64_read(&mm->tlb_gen)`.
    ///   - deferGen: `tlb->defer_gen`, the generation this gather took last (0: none yet).
    public func bumpsDeferredGeneration(mmTLBGen: UInt64, deferGen: UInt64) -> Bool {
        switch variant {
        case .linux, .rfc15: true
        // "if (mm_gen != tlb->defer_gen)": the bug. A CPU that caught up to mm_gen on a context
        // switch after this gather's previous bump is told nothing about the PTEs changed since.
        case .rfc15Buggy: mmTLBGen != deferGen
        }
    }

    /// `pte_accessible()` for a PROT_NONE PTE: whether a TLB may still hold the translation
    /// it had before, because the flush of that change is still deferred.
    /// - Parameters:
    ///   - flushPending: `mm_tlb_flush_pending(mm)` (Linux).
    ///   - vmaDeferTLBGen: `vma->defer_tlb_gen` (RFC 15).
    ///   - completed: `mm->tlb_gen_completed` (RFC 08).
    public func protNoneMayBeCached(flushPending: Bool, vmaDeferTLBGen: UInt64, completed: UInt64) -> Bool {
        if mutation == .accessibleIgnoresPending { return false }
        return variant == .linux ? flushPending : vmaDeferTLBGen > completed
    }

    /// The RFC's x86 `tlb_flush()`: no flush when page tables were not freed and a generation
    /// newer than this gather's already completed its flush.
    public func skipsGatherFlush(deferGen: UInt64, completed: UInt64, freedTables: Bool) -> Bool {
        tracksDeferredGenerations && !freedTables && deferGen != 0 && completed > deferGen
    }
}
