/// `linux-6.6.y`: the stable 6.6 kernels people run, which took "x86/mm/tlb: Only trim the
/// mm_cpumask once a second" (6db2526c1d69, backported around 6.6.79) without the lazy cpumask
/// update it was written for (209954cbc7d0, 6.13). Its `should_flush_tlb()` reads the target's
/// `cpu_tlbstate.loaded_mm`, which 6.6.0 never shares: a CPU in the cpumask that is not lazy
/// still gets no IPI when its `loaded_mm` is another mm, because it will read `tlb_gen` when it
/// switches in. Everything else is Linux 6.6's (``Scheme``'s defaults).
///
/// That reasoning holds only if the switching CPU marks `loaded_mm` before it reads `tlb_gen`.
/// The scheme follows 6.6.y with both fixes of that window, as Stephen Dolan's "x86/mm:
/// Finishing off the fix for a should_flush_tlb race" (LKML, 9 Oct 2025) gives them:
/// `should_flush_tlb()` flushes a CPU whose `loaded_mm` is `LOADED_MM_SWITCHING` (fea4e317f9e7,
/// CVE-2025-37964, in 6.6.91), and `switch_mm_irqs_off()` stores `LOADED_MM_SWITCHING` first,
/// before `cpumask_set_cpu()` and the `tlb_gen` read (his "x86/mm: Fix check/use ordering in
/// switch_mm_irqs_off()" for the 6.1, 6.6 and 6.12 trees, where the backport had left the store
/// after `choose_new_asid()`). The mutants put each flaw back.
///
/// `trim_cpumask` (once a second per mm, `should_trim_cpumask()`) falls due only in scenarios
/// that let a second pass (``Operation/tick``); it only adds IPIs, so without it every flush
/// is the worst case for safety.
public struct Linux66yScheme: KernelVersionScheme {
    /// The stable tree as it was before one of its fixes.
    public enum Mutation: String, Hashable, Sendable, CaseIterable {
        /// 6.6.79 to 6.6.90: `should_flush_tlb()` without the `LOADED_MM_SWITCHING` check (and
        /// without its `smp_rmb()`: `is_lazy` read before `loaded_mm`), the store after the
        /// `tlb_gen` read. "should_flush_tlb() will suppress TLB flushes between
        /// load_new_mm_cr3() and writing to 'loaded_mm'".
        case cve202537964 = "cve-2025-37964"
        /// 6.6.91 on, before the stable ordering fix: the check is there, but the store of
        /// `LOADED_MM_SWITCHING` still comes after the `tlb_gen` read, so a flush that bumps
        /// `tlb_gen` in between reads the previous mm in `loaded_mm` and skips the CPU (Eric
        /// Hagberg reproduced it on 6.1, 6.6 and 6.12 with Stephen Dolan's fork/COW test).
        case switchingAfterGen = "switching-after-gen"
        /// The store first, as mainline, but no `LOADED_MM_SWITCHING` check in
        /// `should_flush_tlb()`: CVE-2025-37964's own window alone.
        case noSwitchingCheck = "no-switching-check"
    }

    /// The reverted fix, or `nil` for the stable tree with both.
    public var mutation: Mutation?

    /// 6.6.y with both fixes, or with `mutation`'s flaw back.
    public init(mutation: Mutation? = nil) { self.mutation = mutation }

    public static let baseName = "linux-6.6.y"

    /// `switch_mm_irqs_off()`: `this_cpu_write(cpu_tlbstate.loaded_mm, LOADED_MM_SWITCHING)`
    /// right after `cond_mitigation()` (fixed), or after `choose_new_asid()` (the backports).
    public var loadedMMSwitching: LoadedMMSwitching {
        mutation == .cve202537964 || mutation == .switchingAfterGen ? .afterGenRead : .beforeGenRead
    }

    /// `loaded_mm = per_cpu(cpu_tlbstate.loaded_mm, cpu); smp_rmb();` before the `is_lazy` test
    /// (fea4e317f9e7); before it, `loaded_mm` was read only in the comparison with `info->mm`.
    public var readsLoadedMMFirst: Bool { mutation != .cve202537964 }

    /// `should_flush_tlb()` after "Lazy TLB will get flushed at the next context switch":
    /// "No mm means kernel memory flush"; "While switching, the remote CPU could have state
    /// from either the prev or next mm. Assume the worst and flush."; "The target mm is loaded,
    /// and the CPU is not lazy."; else only the periodic trim: `trim`.
    public func shouldFlushTLB(loaded: RemoteLoadedMM, mm: Int?, trim: Bool) -> Bool {
        guard let mm else { return true }
        switch loaded {
        case .switching: return mutation != .cve202537964 && mutation != .noSwitchingCheck
        case .mm(let loadedMM): return loadedMM == mm || trim
        }
    }

    public static let listing = [
        SchemeListing(
            baseName,
            "stable 6.6.y: should_flush_tlb() reads the target's loaded_mm (once-a-second trim backport, CVE-2025-37964 and its ordering fix)"
        )
    ]
}
