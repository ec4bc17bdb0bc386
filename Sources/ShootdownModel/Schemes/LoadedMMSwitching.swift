/// Whether other CPUs read a CPU's `cpu_tlbstate.loaded_mm` when they decide on flush IPIs
/// (`should_flush_tlb()`, stable 6.6.y since "x86/mm/tlb: Only trim the mm_cpumask once a
/// second", and 6.14+), and where `switch_mm_irqs_off()`'s different-mm path sets it to
/// `LOADED_MM_SWITCHING` for them.
public enum LoadedMMSwitching: Hashable, Sendable {
    /// No other CPU reads `loaded_mm` (6.6.0: `tlb_is_not_lazy()` reads `is_lazy` alone), so the
    /// model spends no step on it.
    case unread
    /// First in the different-mm path, before the cpumask update and the `tlb_gen` read (mainline
    /// since fea4e317f9e7; 6.6.y with Stephen Dolan's "x86/mm: Fix check/use ordering in
    /// switch_mm_irqs_off()"): a flush that bumps `tlb_gen` after this CPU read it finds the CPU
    /// in the cpumask and `loaded_mm` no longer the previous mm.
    case beforeGenRead
    /// After `choose_new_asid()`, just before the CR3 write (6.6.y's backports of fea4e317f9e7 as
    /// first shipped, and the code before it): between the `tlb_gen` read and this store,
    /// `loaded_mm` still names the previous mm.
    case afterGenRead
    /// First, as ``beforeGenRead``, but with nothing to order the store before the `tlb_gen`
    /// load when the CPU's bit is already in the next mm's cpumask: the lazy mm_cpumask
    /// (209954cbc7d0, 6.14) made `cpumask_set_cpu()`, whose locked instruction was the barrier,
    /// conditional, and only "x86/mm: Fix SMP ordering in switch_mm_irqs_off()" (83b0177a6c48,
    /// 6.18, CVE-2025-40174) added `else smp_mb()`. x86-TSO lets the load pass the buffered
    /// store, so other CPUs read the previous mm in `loaded_mm` until the store drains: at the
    /// locked `cpumask_set_cpu()` when the bit was clear, else at the serializing CR3 write,
    /// which the model takes as the latest point (the draining store is overwritten by
    /// `loaded_mm = next` in that step, so it is never seen).
    case beforeGenReadUnfenced

    /// The store comes first in the different-mm path (fenced or not).
    public var isBeforeGenRead: Bool { self == .beforeGenRead || self == .beforeGenReadUnfenced }
}

/// Another CPU's `cpu_tlbstate.loaded_mm` as `should_flush_tlb()` reads it.
public enum RemoteLoadedMM: Hashable, Sendable {
    /// An mm (``initMM`` for `init_mm`).
    case mm(Int)
    /// `LOADED_MM_SWITCHING`: the CPU is inside `switch_mm_irqs_off()`'s different-mm path.
    case switching
}
