/// How a CPU that fell behind its mm's `tlb_gen` catches up: the plan a scheme returns at the
/// points where `arch/x86/mm/tlb.c` decides (``Scheme/catchUp(_:in:cpu:asid:mm:from:to:)`` in
/// `flush_tlb_func()`, ``Scheme/switchCatchUp(in:cpu:asid:mm:from:to:)`` in
/// `switch_mm_irqs_off()`), which the kernel path then carries out.
public enum CatchUp: Hashable, Sendable {
    /// `flush_tlb_local()`: drop every entry of the ASID.
    case full
    /// `flush_tlb_one_user()` for each page of the range (INVLPG).
    case range(PageRange)
    /// INVLPG each range the scheme recorded (the ring's slots), `pages` in all: the scheme
    /// carries it out (``Scheme/applyRecorded(pages:in:cpu:asid:mm:from:to:)``).
    case recorded(pages: Int)
}

/// What `flush_tlb_mm_range()` starts with.
public enum FlushStart: Hashable, Sendable {
    /// `inc_mm_tlb_gen()`, then the targets: Linux.
    case bumpGeneration
    /// The targets without a generation (`oracle-sw`: it knows where the stale entries are).
    case withoutGeneration
    /// Nothing: the stale entries are gone already (`oracle-hw`).
    case nothingToFlush
}

/// A generation's flush as a scheme may record it (``Scheme/publish(_:in:cpu:)``).
public struct PublishedFlush: Hashable, Sendable {
    /// The address space.
    public var mm: Int
    /// The generation taken for it.
    public var gen: UInt64
    /// The pages, or `nil` for `TLB_FLUSH_ALL`.
    public var range: PageRange?
    /// Whether page tables were freed.
    public var freedTables: Bool
}

/// A scheme's own state, kept by the world beside the kernel's ``MachineState``
/// (``Scheme/State``): part of the machine state, so it must say what tells two states apart.
/// A value type of few buffers: the checker copies it with every world.
public protocol SchemeState: Hashable, Sendable {
    /// Folds every field into `h` (the checker's state fingerprint).
    func fingerprint(into h: inout StableHasher)
}

/// No state of the scheme's own: Linux keeps everything in `mm_struct`.
public struct NoSchemeState: SchemeState {
    public init() {}
    public func fingerprint(into h: inout StableHasher) {}
}
