/// `linux-6.15`: AMD's INVLPGB broadcast TLB invalidation with global ASIDs (Rik van Riel's "AMD
/// broadcast TLB invalidation" series, merged for 6.15), on top of 6.14's lazy mm_cpumask with
/// the fixes mainline took since (``Linux614Scheme`` unmutated). On a machine without INVLPGB
/// (scenarios without `invlpgb on`) it is that kernel.
///
/// With INVLPGB, `flush_tlb_mm_range()` calls `consider_global_asid(mm)` after every IPI flush;
/// once the mm runs on more than `threshold` CPUs (3 in the kernel; ``Scenario/globalASIDThreshold``)
/// `use_global_asid()` gives it a global ASID and marks it in transition. From then on:
/// - its flushes are `broadcast_tlb_flush()`: INVLPGB of the range in the global PCID on every
///   CPU, no IPI, no generations, then `finish_asid_transition()`, then TLBSYNC;
/// - `choose_new_asid()` answers the global ASID without a flush ("Global ASIDs are always up to
///   date"), and a CPU running the mm on its dynamic ASID reloads to the global one at its next
///   `switch_mm_irqs_off()` or `flush_tlb_func()` (`mm_needs_global_asid()`);
/// - while in transition, `finish_asid_transition()` waits out CPUs in `LOADED_MM_SWITCHING`
///   and sends the flush IPIs if a CPU still runs the mm on a dynamic ASID (which INVLPGB of the
///   global PCID does not reach), and `native_flush_tlb_multi()` interrupts every CPU of the mask
///   (`freed_tables || mm_in_asid_transition()`);
/// - reclaim's `arch_tlbbatch_flush()` is `invlpgb_flush_all_nonglobals()`.
///
/// Each mutant takes back one of those rules.
public struct Linux615Scheme: KernelVersionScheme {
    /// A rule taken back.
    public enum Mutation: String, Hashable, Sendable, CaseIterable {
        /// `broadcast_tlb_flush()` without its `__tlbsync()`: the flush returns (and the caller
        /// frees the pages) while the INVLPGBs may still be on their way ("Wait for the INVLPGBs
        /// kicked off above to finish").
        case noTLBSync = "no-tlbsync"
        /// `finish_asid_transition()` ends the transition without looking for CPUs still on a
        /// dynamic ASID: such a CPU keeps its entries, which INVLPGB of the global PCID misses,
        /// and no IPI reaches it.
        case noTransitionCheck = "no-transition-check"
        /// `finish_asid_transition()` without its wait for a `LOADED_MM_SWITCHING` CPU: a CPU that
        /// read the mm's global ASID as 0 and is about to load a dynamic ASID is passed over ("to
        /// catch the unlikely case of it switching to the target mm with an out of date ASID").
        case noSwitchingWait = "no-switching-wait"
        /// `arch_tlbbatch_flush()` (reclaim) invalidates the global ASIDs only, as the series'
        /// first version did with its per-mm INVLPGBs, and leaves the CPUs that run an mm on a
        /// dynamic ASID unflushed; v2's changelog: "Fix bug in arch_tlbbatch_flush, where we
        /// need to do both the TLBSYNC, and flush the CPUs that are in the cpumask".
        case batchGlobalOnly = "batch-global-only"
    }

    /// The rule taken back, or `nil` for the kernel.
    public var mutation: Mutation?

    /// 6.15's broadcast invalidation, or with `mutation`'s rule taken back.
    public init(mutation: Mutation? = nil) { self.mutation = mutation }

    public static let baseName = "linux-6.15"

    /// 6.14's lazy mm_cpumask, fixed.
    static let lazyCPUMask = Linux614Scheme()

    public var updatesCPUMaskLazily: Bool { Self.lazyCPUMask.updatesCPUMaskLazily }
    public var loadedMMSwitching: LoadedMMSwitching { Self.lazyCPUMask.loadedMMSwitching }
    public var readsLoadedMMFirst: Bool { Self.lazyCPUMask.readsLoadedMMFirst }

    public func shouldFlushTLB(loaded: RemoteLoadedMM, mm: Int?, trim: Bool) -> Bool {
        Self.lazyCPUMask.shouldFlushTLB(loaded: loaded, mm: mm, trim: trim)
    }

    public var usesBroadcastInvalidation: Bool { true }
    public var syncsBroadcasts: Bool { mutation != .noTLBSync }
    public var transitionChecksCPUs: Bool { mutation != .noTransitionCheck }
    public var transitionWaitsForSwitching: Bool { mutation != .noSwitchingWait }
    public var batchFlushReachesDynamicASIDs: Bool { mutation != .batchGlobalOnly }

    public static let listing = [
        SchemeListing(
            baseName,
            "INVLPGB broadcast flushes with global ASIDs for mms on several CPUs (invlpgb on), TLBSYNC, the ASID transition; else 6.14"
        )
    ]
}
