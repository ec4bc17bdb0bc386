/// What `flush_tlb_mm_range()` starts with.
public enum FlushStart: Hashable, Sendable {
    /// `inc_mm_tlb_gen()`, then the targets: Linux.
    case bumpGeneration
    /// The targets without a generation (`oracle-sw`: it knows where the stale entries are).
    case withoutGeneration
    /// Nothing: the stale entries are gone already (`oracle-hw`).
    case nothingToFlush
}
