/// A TLB flush-tracking scheme: the decisions in which schemes differ, called from the
/// kernel paths (``World``) at the points where `arch/x86/mm/tlb.c` makes them.
///
/// The world is generic over its scheme, so every call here is statically dispatched.
/// Schemes are values: a mutant is the same type with a ``mutation`` set.
///
/// Every decision but ``name`` has a default: Linux 6.6's answer (``LinuxScheme`` unmutated). A
/// new scheme implements only the decisions it changes (docs/writing-a-scheme.md).
public protocol Scheme: Hashable, Sendable {
    /// The name as the command line spells it, e.g. `linux` or `linux~no-ipi`.
    var name: String { get }

    /// `tlb_single_page_flush_ceiling`: ranges of more pages become a full flush.
    var flushCeiling: Int { get }

    /// Whether `native_flush_tlb_multi()` interrupts a CPU of the mm's cpumask.
    /// - Parameters:
    ///   - targetIsLazy: the target's `cpu_tlbstate_shared.is_lazy`, as read by the initiator.
    ///   - freedTables: the flush's `freed_tables`.
    func sendsIPI(targetIsLazy: Bool, freedTables: Bool) -> Bool

    /// Whether other CPUs read `loaded_mm` (``shouldFlushTLB(loaded:mm:)``) and where
    /// `switch_mm_irqs_off()` marks it `LOADED_MM_SWITCHING`. Linux 6.6.0: ``LoadedMMSwitching/unread``.
    var loadedMMSwitching: LoadedMMSwitching { get }

    /// The lazy mm_cpumask (209954cbc7d0, 6.14): `switch_mm_irqs_off()` leaves the CPU in the
    /// previous mm's cpumask and sets its bit in the next mm's only if it is clear;
    /// `flush_tlb_func()` clears the bit of a CPU whose `loaded_mm` is not the flush's mm
    /// (`TLB_REMOTE_WRONG_CPU`). Linux 6.6: no, the switch clears and sets the bits.
    var updatesCPUMaskLazily: Bool { get }

    /// AMD's INVLPGB broadcast invalidation with global ASIDs (Rik van Riel's series, 6.15), on a
    /// machine that has it (``Scenario/hasINVLPGB``): `consider_global_asid()` gives an mm active
    /// on several CPUs a global ASID, and its flushes are `broadcast_tlb_flush()` instead of IPIs.
    /// Linux 6.6: no.
    var usesBroadcastInvalidation: Bool { get }

    /// `broadcast_tlb_flush()`: whether `__tlbsync()` waits for the INVLPGBs kicked off before
    /// the flush returns (the model completes them there, the latest point the hardware may).
    var syncsBroadcasts: Bool { get }

    /// `finish_asid_transition()`: whether it waits while a CPU of the cpumask is
    /// `LOADED_MM_SWITCHING` ("to catch the unlikely case of it switching to the target mm with
    /// an out of date ASID").
    var transitionWaitsForSwitching: Bool { get }

    /// `finish_asid_transition()`: whether it looks for a CPU still running the mm on a dynamic
    /// ASID (and sends the flush IPIs) before it ends the transition.
    var transitionChecksCPUs: Bool { get }

    /// `arch_tlbbatch_flush()` with INVLPGB: whether its broadcast reaches the dynamic ASIDs too
    /// (`invlpgb_flush_all_nonglobals()`), not only the global ones.
    var batchFlushReachesDynamicASIDs: Bool { get }

    /// `should_flush_tlb()` reads the target's `loaded_mm` before its `is_lazy` (the `smp_rmb()`
    /// between them came with the CVE-2025-37964 fix); else after.
    var readsLoadedMMFirst: Bool { get }

    /// `should_flush_tlb()` past its lazy check, for a target whose `loaded_mm` is `loaded`, for
    /// a flush of `mm` (`nil`: `arch_tlbbatch_flush()`, no mm) with `info->trim_cpumask` =
    /// `trim`. Asked only when ``loadedMMSwitching`` is not ``LoadedMMSwitching/unread``.
    func shouldFlushTLB(loaded: RemoteLoadedMM, mm: Int?, trim: Bool) -> Bool

    /// `flush_tlb_func()`'s early exit before reading the mm's generation.
    func isAlreadyCovered(newTLBGen: UInt64, localTLBGen: UInt64) -> Bool

    /// `flush_tlb_func()`'s choice between a ranged and a full flush, once it has read `mm_tlb_gen`
    /// and found the CPU behind.
    func flushKind(_ info: FlushTLBInfo, localTLBGen: UInt64, mmTLBGen: UInt64) -> FlushKind

    /// `switch_mm_irqs_off()` returning from lazy mode to the same mm: whether the TLB is
    /// up to date, so no flush is needed.
    func lazyReturnIsCurrent(localTLBGen: UInt64, mmTLBGen: UInt64) -> Bool

    /// `choose_new_asid()` finding the mm's ASID slot: whether the slot must be flushed.
    func asidNeedsFlush(localTLBGen: UInt64, mmTLBGen: UInt64) -> Bool

    /// `choose_new_asid()` on a CPU without PCID: whether it allocates dynamic ASIDs as if the
    /// CPU had PCID. Linux: no, `if (!static_cpu_has(X86_FEATURE_PCID))` answers ASID 0 with a
    /// flush; the hardware ignores CR3's PCID bits, so a kernel that kept ASIDs would keep every
    /// mm's entries under tag 0 and switch back without a flush.
    var allocatesASIDsWithoutPCID: Bool { get }

    /// `wp_page_copy()`: whether replacing the old page (a page shared since fork, or the zero
    /// page) flushes its read-only translation (`ptep_clear_flush()`). Linux: always.
    func wpCopyFlushes(zeroPage: Bool) -> Bool

    /// `move_ptes()` (mremap): whether the old extent is flushed before its page-table locks
    /// drop. Linux since 4.20 (eb66ae030829): yes.
    var mremapFlushesUnderPTL: Bool { get }

    /// x86 `flush_tlb_range()`'s `freed_tables` argument (mremap's `move_ptes()`, khugepaged's
    /// `pmdp_collapse_flush()`): `true` since Jann Horn's "x86/mm: Fix flush_tlb_range() when used
    /// for zapping normal PMDs" (CVE-2025-22045, in the stable trees the schemes follow).
    var flushTLBRangeFreesTables: Bool { get }

    /// `__split_huge_pmd_locked()`: whether `pmdp_invalidate()` flushes the huge PMD's entry
    /// (`flush_pmd_tlb_range()`) before the page table takes its place. Linux: yes.
    var flushesPMDSplit: Bool { get }

    /// `tlb_finish_mmu()`: whether a nested batch (`mm_tlb_flush_nested()`) forces a full flush.
    var flushesWhenNested: Bool { get }

    /// `tlb_finish_mmu()`: whether the gathered pages are freed before the flush (a mutant only:
    /// the kernel always flushes first).
    var freesBeforeFlush: Bool { get }

    /// `migrate_pages_batch()`: whether the folios are moved (copied) before the batch's
    /// `try_to_unmap_flush()` (a mutant only: the kernel flushes "TLBs for all unmapped folios"
    /// first).
    var movesBeforeBatchFlush: Bool { get }

    /// `smp_call_function_many_cond()`: whether the initiator waits for every acknowledgement
    /// (`SCF_WAIT`, always in the kernel's TLB flushes).
    var waitsForAcknowledgements: Bool { get }

    /// `tlb_finish_mmu()`: whether `dec_tlb_flush_pending()` comes before the flush (a mutant
    /// only: the kernel decrements after it).
    var decrementsPendingBeforeFlush: Bool { get }

    /// `flush_tlb_batched_pending()` under the PTL: whether reclaim's batched flush must be
    /// done first.
    func flushesBatchedPending(_ batched: TLBFlushBatched) -> Bool

    /// The value `mm->context.tlb_gen` (and each CPU's generation for it) starts at.
    var initialTLBGen: UInt64 { get }

    /// Whether a gather of this kind takes a generation per page table it changed and flushes
    /// with the last one (RFC 15's `tlb_end_ptes()`, the ring's deferred changes).
    func takesGenerationPerTable(_ kind: PTEBatchCall.Kind) -> Bool

    /// Whether `tlb_gen_completed` is kept (RFC 08) and a gather's flush may be skipped for it.
    var keepsCompletedGeneration: Bool { get }

    /// `read_defer_tlb_flush_gen()`: whether to bump `tlb_gen` for this page table's changes.
    func bumpsDeferredGeneration(mmTLBGen: UInt64, deferGen: UInt64) -> Bool

    /// `pte_accessible()` of a PROT_NONE PTE: whether its old translation may still be cached.
    func protNoneMayBeCached(flushPending: Bool, vmaDeferTLBGen: UInt64, completed: UInt64) -> Bool

    /// `can_change_pte_writable()` of a private anonymous page (mprotect's
    /// `MM_CP_TRY_CHANGE_WRITABLE`, `do_numa_page()`): whether write may be granted without a
    /// fault. Linux: only when the page is exclusive to this mapping (`PageAnonExclusive`).
    func grantsWrite(isExclusive: Bool) -> Bool

    /// The RFC's `tlb_flush()`: whether the gather's flush is already covered by a newer one.
    func skipsGatherFlush(deferGen: UInt64, completed: UInt64, freedTables: Bool) -> Bool

    // Plans: where tlb.c decides more than yes or no. Each takes the world, and the defaults
    // are Linux's (they change nothing, or ask the decisions above).

    /// The scheme's own state, per mm or per CPU as it needs (the ring's slots of each mm),
    /// kept by the world beside the kernel's; none by default.
    associatedtype State: SchemeState = NoSchemeState

    /// The ``State`` at boot of a machine with `addressSpaces` mms.
    func initialState(addressSpaces: Int) -> State

    /// What `flush_tlb_mm_range()` starts with (``FlushStart``).
    var flushStart: FlushStart { get }

    /// Records a generation's range where catching-up CPUs read it (the ring's writer), after
    /// the generation was taken and before any CPU is asked to catch up to it: in
    /// `flush_tlb_mm_range()` (in the step that reads the cpumask), in a deferred change's
    /// `store_deferred_tlb_gen()` and in reclaim's `arch_tlbbatch_add_pending()`. Linux records
    /// nothing: `flush_tlb_info` carries the range.
    static func publish(_ flush: PublishedFlush, in world: inout World<Self>, cpu: Int)

    /// Steps of their own in which `flush_tlb_mm_range()` publishes, between taking the
    /// generation and reading the cpumask, in place of ``publish(_:in:cpu:)`` (two ring mutants
    /// split the writer so); 0 by default.
    var publishStepCount: Int { get }

    /// Step `index` of ``publishStepCount`` for the flush `flushInfo` of `cpu` describes.
    static func publishStep(_ index: Int, in world: inout World<Self>, cpu: Int, mm: Int)

    /// `flush_tlb_multi()`: why to pass over `target` although ``sendsIPI(targetIsLazy:freedTables:)``
    /// would interrupt it (for the timeline), or `nil` to ask that.
    static func skipReason(target: Int, of call: FlushTLBMMRangeCall, in world: World<Self>) -> String?

    /// `flush_tlb_func()` on entry, before any generation is read: whether the scheme dealt with
    /// the flush itself (`oracle-sw` drops the stale entries of the range and returns).
    static func handlesWithoutGenerations(
        _ info: FlushTLBInfo, in world: inout World<Self>, cpu: Int, asid: Int, isLocal: Bool
    ) -> Bool

    /// `flush_tlb_func()` found `cpu` behind (`local_tlb_gen < mm_tlb_gen`): how it catches up
    /// from `local` to `target`. Linux: the range when the IPI is the one flush missed, else full
    /// (``flushKind(_:localTLBGen:mmTLBGen:)``).
    static func catchUp(
        _ info: FlushTLBInfo, in world: inout World<Self>, cpu: Int, asid: Int, mm: Int, from local: UInt64,
        to target: UInt64
    ) -> CatchUp

    /// `switch_mm_irqs_off()` to an mm whose ASID slot on `cpu` fell behind: a plan to catch up
    /// after a CR3 write without a flush, or `nil` for Linux's CR3 write with a flush.
    static func switchCatchUp(
        in world: inout World<Self>, cpu: Int, asid: Int, mm: Int, from local: UInt64, to target: UInt64
    ) -> CatchUp?

    /// Carries out ``CatchUp/recorded(pages:)`` in `asid`, as the scheme planned it.
    static func applyRecorded(
        pages: Int, in world: inout World<Self>, cpu: Int, asid: Int, mm: Int, from local: UInt64, to target: UInt64
    )

    /// How a plan of ``catchUp(_:in:cpu:asid:mm:from:to:)`` reads in the timeline.
    func describe(_ plan: CatchUp, from local: UInt64, to target: UInt64) -> String

    /// `switch_mm_irqs_off()` loaded `asid` without a flush (`oracle-sw` drops its stale entries).
    static func switchedWithoutFlush(in world: inout World<Self>, cpu: Int, asid: Int)

    /// Revocations of entries in `cpu`'s TLB came due (the safety oracle's marks): `oracle-hw`
    /// removes those entries.
    static func revocationsCameDue(in world: inout World<Self>, cpu: Int)

    /// Whether the scheme's decisions read the TLBs' entries (the oracles'): then an entry no
    /// thread will use again still counts in the checker's states
    /// (``World/fingerprint(into:omitting:)``).
    static var readsTLBEntries: Bool { get }
}

/// Linux 6.6's decisions, for every scheme that does not make its own: each asks an unmutated
/// ``LinuxScheme``.
extension Scheme {
    public var flushCeiling: Int { LinuxScheme.kernel.flushCeiling }

    public func sendsIPI(targetIsLazy: Bool, freedTables: Bool) -> Bool {
        LinuxScheme.kernel.sendsIPI(targetIsLazy: targetIsLazy, freedTables: freedTables)
    }

    public var loadedMMSwitching: LoadedMMSwitching { .unread }
    public var readsLoadedMMFirst: Bool { true }
    public var updatesCPUMaskLazily: Bool { false }
    public var usesBroadcastInvalidation: Bool { false }
    public var syncsBroadcasts: Bool { true }
    public var transitionWaitsForSwitching: Bool { true }
    public var transitionChecksCPUs: Bool { true }
    public var batchFlushReachesDynamicASIDs: Bool { true }
    public func shouldFlushTLB(loaded: RemoteLoadedMM, mm: Int?, trim: Bool) -> Bool { true }

    public func isAlreadyCovered(newTLBGen: UInt64, localTLBGen: UInt64) -> Bool {
        LinuxScheme.kernel.isAlreadyCovered(newTLBGen: newTLBGen, localTLBGen: localTLBGen)
    }

    public func flushKind(_ info: FlushTLBInfo, localTLBGen: UInt64, mmTLBGen: UInt64) -> FlushKind {
        LinuxScheme.kernel.flushKind(info, localTLBGen: localTLBGen, mmTLBGen: mmTLBGen)
    }

    public func lazyReturnIsCurrent(localTLBGen: UInt64, mmTLBGen: UInt64) -> Bool {
        LinuxScheme.kernel.lazyReturnIsCurrent(localTLBGen: localTLBGen, mmTLBGen: mmTLBGen)
    }

    public func asidNeedsFlush(localTLBGen: UInt64, mmTLBGen: UInt64) -> Bool {
        LinuxScheme.kernel.asidNeedsFlush(localTLBGen: localTLBGen, mmTLBGen: mmTLBGen)
    }

    public var allocatesASIDsWithoutPCID: Bool { LinuxScheme.kernel.allocatesASIDsWithoutPCID }

    public func wpCopyFlushes(zeroPage: Bool) -> Bool { LinuxScheme.kernel.wpCopyFlushes(zeroPage: zeroPage) }

    public var mremapFlushesUnderPTL: Bool { LinuxScheme.kernel.mremapFlushesUnderPTL }

    public var flushesPMDSplit: Bool { LinuxScheme.kernel.flushesPMDSplit }

    public var flushTLBRangeFreesTables: Bool { LinuxScheme.kernel.flushTLBRangeFreesTables }

    public var flushesWhenNested: Bool { LinuxScheme.kernel.flushesWhenNested }
    public var freesBeforeFlush: Bool { LinuxScheme.kernel.freesBeforeFlush }
    public var movesBeforeBatchFlush: Bool { LinuxScheme.kernel.movesBeforeBatchFlush }
    public var waitsForAcknowledgements: Bool { LinuxScheme.kernel.waitsForAcknowledgements }
    public var decrementsPendingBeforeFlush: Bool { LinuxScheme.kernel.decrementsPendingBeforeFlush }

    public func flushesBatchedPending(_ batched: TLBFlushBatched) -> Bool {
        LinuxScheme.kernel.flushesBatchedPending(batched)
    }

    public var initialTLBGen: UInt64 { LinuxScheme.kernel.initialTLBGen }

    public func takesGenerationPerTable(_ kind: PTEBatchCall.Kind) -> Bool {
        LinuxScheme.kernel.takesGenerationPerTable(kind)
    }

    public var keepsCompletedGeneration: Bool { LinuxScheme.kernel.keepsCompletedGeneration }

    public func bumpsDeferredGeneration(mmTLBGen: UInt64, deferGen: UInt64) -> Bool {
        LinuxScheme.kernel.bumpsDeferredGeneration(mmTLBGen: mmTLBGen, deferGen: deferGen)
    }

    public func grantsWrite(isExclusive: Bool) -> Bool { LinuxScheme.kernel.grantsWrite(isExclusive: isExclusive) }

    public func protNoneMayBeCached(flushPending: Bool, vmaDeferTLBGen: UInt64, completed: UInt64) -> Bool {
        LinuxScheme.kernel.protNoneMayBeCached(
            flushPending: flushPending, vmaDeferTLBGen: vmaDeferTLBGen, completed: completed)
    }

    public func skipsGatherFlush(deferGen: UInt64, completed: UInt64, freedTables: Bool) -> Bool {
        LinuxScheme.kernel.skipsGatherFlush(deferGen: deferGen, completed: completed, freedTables: freedTables)
    }
}

/// Linux 6.6's plans: no state of its own, nothing published, the range or a full flush.
extension Scheme where State == NoSchemeState {
    public func initialState(addressSpaces: Int) -> NoSchemeState { NoSchemeState() }
}

extension Scheme {
    public var flushStart: FlushStart { .bumpGeneration }

    public static func publish(_ flush: PublishedFlush, in world: inout World<Self>, cpu: Int) {}

    public var publishStepCount: Int { 0 }

    public static func publishStep(_ index: Int, in world: inout World<Self>, cpu: Int, mm: Int) {
        preconditionFailure("\(world.scheme.name) takes no publishing steps of its own")
    }

    public static func skipReason(target: Int, of call: FlushTLBMMRangeCall, in world: World<Self>) -> String? {
        nil
    }

    public static func handlesWithoutGenerations(
        _ info: FlushTLBInfo, in world: inout World<Self>, cpu: Int, asid: Int, isLocal: Bool
    ) -> Bool { false }

    /// The partial-flush condition of `flush_tlb_func()` (``flushKind(_:localTLBGen:mmTLBGen:)``).
    public static func catchUp(
        _ info: FlushTLBInfo, in world: inout World<Self>, cpu: Int, asid: Int, mm: Int, from local: UInt64,
        to target: UInt64
    ) -> CatchUp {
        switch world.scheme.flushKind(info, localTLBGen: local, mmTLBGen: target) {
        case .ranged: .range(PageRange(info.start, info.end!), stride: info.stride)
        case .full: .full
        }
    }

    public static func switchCatchUp(
        in world: inout World<Self>, cpu: Int, asid: Int, mm: Int, from local: UInt64, to target: UInt64
    ) -> CatchUp? { nil }

    public static func applyRecorded(
        pages: Int, in world: inout World<Self>, cpu: Int, asid: Int, mm: Int, from local: UInt64, to target: UInt64
    ) {
        preconditionFailure("\(world.scheme.name) records no ranges")
    }

    /// `INVLPG [start, end)` or `flush_tlb_local (full)`.
    public func describe(_ plan: CatchUp, from local: UInt64, to target: UInt64) -> String {
        switch plan {
        case .full: "flush_tlb_local (full)"
        case .range(let range, let stride): "INVLPG \(range)\(stride > 1 ? " every \(stride) pages" : "")"
        case .recorded(let pages): "INVLPG \(pages) recorded pages"
        }
    }

    public static func switchedWithoutFlush(in world: inout World<Self>, cpu: Int, asid: Int) {}

    public static func revocationsCameDue(in world: inout World<Self>, cpu: Int) {}

    public static var readsTLBEntries: Bool { false }
}

/// What `flush_tlb_func()` does to catch a CPU up.
public enum FlushKind: Hashable, Sendable {
    /// `flush_tlb_one_user()` for each page of the range (INVLPG).
    case ranged
    /// `flush_tlb_local()`: a CR3 write that drops every entry of the ASID.
    case full
}
