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
    /// Pages per `INVLPG` over the range (``FlushTLBInfo/stride``).
    public var stride = 1
}
