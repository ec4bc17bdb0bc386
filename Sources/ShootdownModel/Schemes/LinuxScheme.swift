/// `linux`: x86-64 Linux as of 6.6 LTS (arch/x86/mm/tlb.c), with mutants that break one
/// decision each so the tests can show the checker catches it; and the same kernel with Nadav
/// Amit's RFC 15 applied (`rfc15-buggy`, `rfc15`: see `LinuxScheme+RFC15.swift`).
public struct LinuxScheme: Scheme {
    /// The kernel, or the kernel with RFC 15 ("mm: detect deferred TLB flushes in vma granularity").
    public enum Variant: String, Hashable, Sendable, CaseIterable {
        /// Linux 6.6 as merged.
        case linux
        /// RFC 15 as posted: `read_defer_tlb_flush_gen()` bumps `tlb_gen` only when it moved.
        case rfc15Buggy = "rfc15-buggy"
        /// RFC 15 with Nadav's fix from the thread: bump on every deferred change.
        case rfc15
    }

    /// A deliberately broken variant of one decision.
    public enum Mutation: String, Hashable, Sendable, CaseIterable {
        /// `native_flush_tlb_multi()` never interrupts another CPU.
        case noIPI = "no-ipi"
        /// The lazy return path of `switch_mm_irqs_off()` skips its generation compare.
        case noLazyCatchup = "no-lazy-catchup"
        /// `choose_new_asid()` reuses the mm's slot without comparing generations.
        case noSwitchCatchup = "no-switch-catchup"
        /// `flush_tlb_func()` flushes the range whenever the IPI is one generation ahead of the
        /// CPU, ignoring that newer flushes may be outstanding (drops `new_tlb_gen == mm_tlb_gen`
        /// and keeps the range even when the CPU is further behind).
        case partialAlways = "partial-always"
        /// `tlb_finish_mmu()` ignores `mm_tlb_flush_nested()` (the 2017 parallel MADV_DONTNEED bug).
        case noNestedFlush = "no-nested-flush"
        /// `tlb_finish_mmu()` frees the pages before flushing (breaks the mmu_gather contract
        /// "unhook page, TLB invalidate page, free page").
        case freeBeforeFlush = "free-before-flush"
        /// `flush_tlb_mm_range()` returns without waiting for the acknowledgements (`wait = false`).
        case noWait = "no-wait"
        /// `pte_accessible()` ignores `mm_tlb_flush_pending()`: migration of a PROT_NONE page
        /// skips the flush while a NUMA hinting flush is still deferred (the 2013 bug fixed by
        /// 20841405940e).
        case accessibleIgnoresPending = "accessible-ignores-pending"
        /// `tlb_finish_mmu()` calls `dec_tlb_flush_pending()` before the flush.
        case earlyDecPending = "early-dec-pending"
        /// `flush_tlb_batched_pending()` never flushes: a PTE change under the PTL does not wait
        /// for reclaim's batched flush (the 2017 bug fixed by 3ea277194daa).
        case noBatchedPending = "no-batched-pending"
        /// `can_change_pte_writable()` ignores `PageAnonExclusive`: mprotect and the NUMA
        /// hinting fault grant write to a page still shared copy-on-write since fork, so a write
        /// lands in the other address space's page without a copy.
        case noAnonExclusive = "no-anon-exclusive"
        /// `choose_new_asid()` without its `X86_FEATURE_PCID` check: on a CPU without PCID it
        /// keeps allocating ASIDs and switches back to an mm whose slot is current without a
        /// flush, but the hardware tags every entry 0, so another mm's entries are still there.
        case pcidAssumed = "pcid-assumed"
        /// `wp_page_copy()` of the zero page clears the PTE without flushing, as if a read-only
        /// translation of a page full of zeros could do no harm: another CPU keeps reading zeros
        /// after the writer's data is in place.
        case zeroPageNoFlush = "zero-page-no-flush"
        /// mremap's `move_page_tables()` flushes the old range once, after `move_ptes()` dropped
        /// the page-table locks (before eb66ae030829, CVE-2018-18281): in between, the page can
        /// be unmapped and freed through its new address while another CPU still caches the old.
        case mremapFlushUnlocked = "mremap-flush-unlocked"
        /// `native_flush_tlb_multi()` skips lazy CPUs even when page tables were freed (before
        /// "x86/mm/tlb: Leave lazy TLB mode at page table free time", 2018, and the
        /// `freed_tables` rule of 016c4d92cd16): a lazy CPU keeps the mm's CR3 and its
        /// paging-structure caches while the tables are freed, and may walk them speculatively.
        case lazyFreedTables = "lazy-freed-tables"
        /// `migrate_pages_batch()` moves the unmapped folios (`move_to_new_folio()`: the copy)
        /// before `try_to_unmap_flush()` flushes the batch: another CPU still writes through its
        /// cached translation of the old page while it is copied, and the write is lost.
        case moveBeforeBatchFlush = "move-before-batch-flush"
        /// `__split_huge_pmd_locked()` replaces the huge PMD with its page table without
        /// `pmdp_invalidate()`'s flush: another CPU keeps the huge page's TLB entry next to the
        /// 4 KiB translations of the same pages, the state the Intel SDM calls undefined
        /// (§4.10.2.3) and AMD erratum 383 turned into machine checks; the kernel's split path
        /// invalidates and flushes first for exactly this (mm/huge_memory.c's comment on it).
        case thpSplitNoFlush = "thp-split-no-flush"
        /// x86 `flush_tlb_range()` passes `freed_tables = false`, as before Jann Horn's fix
        /// (CVE-2025-22045): khugepaged's `pmdp_collapse_flush()` detaches a page table without
        /// interrupting lazy CPUs, whose paging-structure caches keep pointing at it until
        /// `zap_huge_pmd()` frees it.
        case cve202522045 = "cve-2025-22045"
    }

    /// Linux, or Linux with RFC 15.
    public var variant: Variant
    /// The broken decision, or `nil` for the kernel's code.
    public var mutation: Mutation?
    public var flushCeiling: Int

    /// The kernel's scheme (or one of its mutants) with the default 33-page ceiling.
    public init(_ variant: Variant = .linux, mutation: Mutation? = nil, flushCeiling: Int = 33) {
        self.variant = variant
        self.mutation = mutation
        self.flushCeiling = flushCeiling
    }

    /// Linux 6.6 as merged: every scheme's default decisions (``Scheme``).
    public static let kernel = LinuxScheme()

    public var name: String { variant.rawValue + (mutation.map { "~\($0.rawValue)" } ?? "") }

    /// `native_flush_tlb_multi()`: `on_each_cpu_mask()` when `freed_tables`, else
    /// `on_each_cpu_cond_mask(tlb_is_not_lazy, ...)`.
    public func sendsIPI(targetIsLazy: Bool, freedTables: Bool) -> Bool {
        return switch mutation {
        case .noIPI: false
        case .lazyFreedTables: !targetIsLazy
        default: freedTables || !targetIsLazy
        }
    }

    /// `if (f->new_tlb_gen != TLB_GENERATION_INVALID && f->new_tlb_gen <= local_tlb_gen) return;`
    /// (5.19+, "x86/mm/tlb: Avoid reading mm_tlb_gen when possible").
    public func isAlreadyCovered(newTLBGen: UInt64, localTLBGen: UInt64) -> Bool {
        newTLBGen != 0 && newTLBGen <= localTLBGen
    }

    /// The partial-flush condition of `flush_tlb_func()`:
    /// `f->end != TLB_FLUSH_ALL && f->new_tlb_gen == local_tlb_gen + 1 && f->new_tlb_gen == mm_tlb_gen`.
    /// Anything else is a full flush, because a CPU more than one generation behind cannot
    /// know the ranges of the flushes it missed.
    public func flushKind(_ info: FlushTLBInfo, localTLBGen: UInt64, mmTLBGen: UInt64) -> FlushKind {
        guard !info.isFullFlush else { return .full }
        if mutation == .partialAlways { return .ranged }
        return info.newTLBGen == localTLBGen + 1 && info.newTLBGen == mmTLBGen ? .ranged : .full
    }

    /// `if (this_cpu_read(cpu_tlbstate.ctxs[prev_asid].tlb_gen) == next_tlb_gen) return;`
    public func lazyReturnIsCurrent(localTLBGen: UInt64, mmTLBGen: UInt64) -> Bool {
        mutation == .noLazyCatchup || localTLBGen == mmTLBGen
    }

    /// `*need_flush = (this_cpu_read(cpu_tlbstate.ctxs[asid].tlb_gen) < next_tlb_gen);`
    public func asidNeedsFlush(localTLBGen: UInt64, mmTLBGen: UInt64) -> Bool {
        mutation != .noSwitchCatchup && localTLBGen < mmTLBGen
    }

    /// `choose_new_asid()`: `if (!static_cpu_has(X86_FEATURE_PCID)) { *new_asid = 0; *need_flush = true; return; }`.
    public var allocatesASIDsWithoutPCID: Bool { mutation == .pcidAssumed }

    /// `wp_page_copy()`: `ptep_clear_flush(vma, vmf->address, vmf->pte)` for every old page.
    public func wpCopyFlushes(zeroPage: Bool) -> Bool { !(zeroPage && mutation == .zeroPageNoFlush) }

    /// `move_ptes()`: `if (force_flush) flush_tlb_range(vma, old_end - len, old_end);` before
    /// the unlocks.
    public var mremapFlushesUnderPTL: Bool { mutation != .mremapFlushUnlocked }

    /// `#define flush_tlb_range(vma, start, end) flush_tlb_mm_range(..., true)` (arch/x86/
    /// include/asm/tlbflush.h since 3ef938c35035, February 2025, `Cc: stable`, CVE-2025-22045):
    /// the `linux` scheme takes the fix, so that Linux passes the collapse scenarios; the mutant
    /// is v6.6.0's `false`.
    public var flushTLBRangeFreesTables: Bool { mutation != .cve202522045 }

    /// `pmdp_invalidate()` -> `flush_pmd_tlb_range()` in `__split_huge_pmd_locked()`.
    public var flushesPMDSplit: Bool { mutation != .thpSplitNoFlush }

    public var flushesWhenNested: Bool { mutation != .noNestedFlush }

    public var freesBeforeFlush: Bool { mutation == .freeBeforeFlush }

    public var movesBeforeBatchFlush: Bool { mutation == .moveBeforeBatchFlush }

    public var waitsForAcknowledgements: Bool { mutation != .noWait }

    public var decrementsPendingBeforeFlush: Bool { mutation == .earlyDecPending }

    /// `can_change_pte_writable()` (mm/mprotect.c, 6.6): for a private anonymous page,
    /// `PageAnonExclusive(page)`.
    public func grantsWrite(isExclusive: Bool) -> Bool { isExclusive || mutation == .noAnonExclusive }

    /// `flush_tlb_batched_pending()`: `if (pending != flushed) { flush_tlb_mm(mm); ... }`.
    public func flushesBatchedPending(_ batched: TLBFlushBatched) -> Bool {
        mutation != .noBatchedPending && batched.isOutstanding
    }
}

extension LinuxScheme: CatalogScheme {
    public static let listing = [
        SchemeListing(
            "linux", "x86-64 Linux 6.6 (arch/x86/mm/tlb.c): per-mm tlb_gen; ranged flush only one generation behind"),
        SchemeListing(
            "rfc15-buggy", "Nadav Amit's RFC 15/20 as posted: tlb_gen bumped only when it moved (the seed thread's bug)"
        ),
        SchemeListing("rfc15", "RFC 15 with the fix from the thread: tlb_gen bumped for every deferred change"),
    ]

    public static var mutants: [String] { Mutation.allCases.map { "linux~\($0.rawValue)" } }

    /// `linux`, `rfc15-buggy` or `rfc15`, with any Linux mutation.
    public init(catalogName name: SchemeName) throws(SchemeError) {
        guard let variant = Variant(rawValue: name.base) else { throw SchemeError.unknownScheme(name.full) }
        guard name.parameters == nil else {
            throw SchemeError.badParameter(name.full, "\(name.base) takes no parameters")
        }
        guard let mutationName = name.mutation else {
            self.init(variant)
            return
        }
        guard let mutation = Mutation(rawValue: mutationName) else { throw SchemeError.unknownMutation(name.full) }
        self.init(variant, mutation: mutation)
    }
}
