/// `linux-6.14`: the lazy mm_cpumask, Rik van Riel's "x86/mm/tlb: Update mm_cpumask lazily"
/// (209954cbc7d0, committed to tip in November 2024, in mainline from 6.14), with the fixes
/// mainline took for it since. A context switch no longer clears the CPU's bit in the previous
/// mm's cpumask ("Leave this CPU in prev's mm_cpumask. Atomic writes to mm_cpumask can be
/// expensive under contention") and sets the next mm's only when it is clear; a flush IPI that
/// finds another mm loaded clears the bit (`flush_tlb_func()`, `TLB_REMOTE_WRONG_CPU`, local CPU
/// included since 953753db887f). `should_flush_tlb()` skips a CPU of the cpumask whose
/// `loaded_mm` is another mm, as 6.6.y does (6db2526c1d69), unless a second passed since the
/// mm's last trim (`trim_cpumask`: only in scenarios with ``Operation/tick``; without one it is
/// never due, the worst case for safety), so a CPU that switches back in relies on reading the
/// new `tlb_gen`.
///
/// That needs the two fixes the mutants take back: `LOADED_MM_SWITCHING` counted as "flush"
/// (fea4e317f9e7, 6.15, CVE-2025-37964), and a full barrier between the `LOADED_MM_SWITCHING`
/// store and the `tlb_gen` load when the bit is already set (83b0177a6c48, "x86/mm: Fix SMP
/// ordering in switch_mm_irqs_off()", 6.18, CVE-2025-40174: "Fixes: 209954cbc7d0"). 6.14.0
/// shipped without both.
///
/// The version in the name is where the protocol changed: the issue that asked for this scheme
/// called it 6.13, but 209954cbc7d0 reached mainline in the 6.14 merge window (docs/kernels.md).
public struct Linux614Scheme: KernelVersionScheme {
    /// A fix taken back.
    public enum Mutation: String, Hashable, Sendable, CaseIterable {
        /// Before fea4e317f9e7 (6.14.0 to 6.15-rc): `should_flush_tlb()` has no
        /// `LOADED_MM_SWITCHING` check and reads `is_lazy` before `loaded_mm`; a CPU between its
        /// `tlb_gen` read and `loaded_mm = next` gets no IPI. The store itself is first in the
        /// switch, as in mainline at the fix ("the fuzzy 'just about to write CR3' window is
        /// already marked with loaded_mm==LOADED_MM_SWITCHING").
        case cve202537964 = "cve-2025-37964"
        /// Before 83b0177a6c48 (6.14 to 6.17): no `smp_mb()` when the CPU's bit is already in the
        /// next mm's cpumask, so the `tlb_gen` load passes the buffered `LOADED_MM_SWITCHING`
        /// store (``LoadedMMSwitching/beforeGenReadUnfenced``): "it becomes possible for
        /// switch_mm() to not observe a recent tlb_gen update and fail to flush the TLBs".
        case cve202540174 = "cve-2025-40174"
    }

    /// The fix taken back, or `nil` for the lazy mm_cpumask with both.
    public var mutation: Mutation?

    /// The lazy mm_cpumask with both fixes, or with `mutation`'s flaw back.
    public init(mutation: Mutation? = nil) { self.mutation = mutation }

    public static let baseName = "linux-6.14"

    public var updatesCPUMaskLazily: Bool { true }

    /// `this_cpu_write(cpu_tlbstate.loaded_mm, LOADED_MM_SWITCHING)` right after
    /// `cond_mitigation()`, then `cpumask_set_cpu()` or `smp_mb()` (83b0177a6c48); without the
    /// `smp_mb()` the store can stay buffered past the `tlb_gen` load.
    public var loadedMMSwitching: LoadedMMSwitching {
        mutation == .cve202540174 ? .beforeGenReadUnfenced : .beforeGenRead
    }

    /// `loaded_mm = per_cpu(cpu_tlbstate.loaded_mm, cpu); smp_rmb();` first (fea4e317f9e7).
    public var readsLoadedMMFirst: Bool { mutation != .cve202537964 }

    /// `should_flush_tlb()` past its lazy check, as in 6.6.y (``Linux66yScheme``): "No mm means
    /// kernel memory flush"; `LOADED_MM_SWITCHING` flushes (fea4e317f9e7); "The target mm is
    /// loaded, and the CPU is not lazy."; "In cpumask, but not the loaded mm? Periodically
    /// remove by flushing.": `trim`.
    public func shouldFlushTLB(loaded: RemoteLoadedMM, mm: Int?, trim: Bool) -> Bool {
        guard let mm else { return true }
        switch loaded {
        case .switching: return mutation != .cve202537964
        case .mm(let loadedMM): return loadedMM == mm || trim
        }
    }

    public static let listing = [
        SchemeListing(
            baseName,
            "lazy mm_cpumask (209954cbc7d0): a switch leaves the old mm's bit, a flush IPI trims it; with the CVE-2025-37964 and CVE-2025-40174 fixes"
        )
    ]
}
