/// How a CPU that fell behind its mm's `tlb_gen` catches up: the plan a scheme returns at the
/// points where `arch/x86/mm/tlb.c` decides (``Scheme/catchUp(_:in:cpu:asid:mm:from:to:)`` in
/// `flush_tlb_func()`, ``Scheme/switchCatchUp(in:cpu:asid:mm:from:to:)`` in
/// `switch_mm_irqs_off()`), which the kernel path then carries out.
public enum CatchUp: Hashable, Sendable {
    /// `flush_tlb_local()`: drop every entry of the ASID.
    case full
    /// `flush_tlb_one_user()` for each `stride` pages of the range (INVLPG): 1, or a page
    /// table's pages when the flush's `stride_shift` is `PMD_SHIFT` (one entry a huge page).
    case range(PageRange, stride: Int = 1)
    /// INVLPG each range the scheme recorded (the ring's slots), `pages` in all: the scheme
    /// carries it out (``Scheme/applyRecorded(pages:in:cpu:asid:mm:from:to:)``).
    case recorded(pages: Int)
}
