/// Whether other CPUs read a CPU's `cpu_tlbstate.loaded_mm` when they decide on flush IPIs
/// (`should_flush_tlb()`, stable 6.6.y since "x86/mm/tlb: Only trim the mm_cpumask once a
/// second", and 6.13+), and where `switch_mm_irqs_off()`'s different-mm path sets it to
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
}

/// Another CPU's `cpu_tlbstate.loaded_mm` as `should_flush_tlb()` reads it.
public enum RemoteLoadedMM: Hashable, Sendable {
    /// An mm (``initMM`` for `init_mm`).
    case mm(Int)
    /// `LOADED_MM_SWITCHING`: the CPU is inside `switch_mm_irqs_off()`'s different-mm path.
    case switching
}
