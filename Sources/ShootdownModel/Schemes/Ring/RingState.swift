/// `mm->ring` of every mm (the ring schemes' state): slot `gen % size` of an mm records
/// generation `gen`'s flush. One array for all mms, so that copying a world retains one buffer.
public struct RingState: SchemeState {
    /// Slots per mm.
    public let size: Int
    /// The slots, mm after mm.
    public private(set) var slots: [RingSlot]

    /// `size` empty slots for each of `addressSpaces` mms.
    public init(size: Int, addressSpaces: Int) {
        self.size = size
        slots = Array(repeating: RingSlot(), count: size * addressSpaces)
    }

    /// Slot `index` of `mm`'s ring.
    public subscript(mm: Int, index: Int) -> RingSlot {
        get { slots[mm * size + index] }
        set { slots[mm * size + index] = newValue }
    }

    public func fingerprint(into h: inout StableHasher) {
        for slot in slots {
            h.combine(slot.seq)
            h.combine(slot.isBusy)
            h.combine(slot.start)
            h.combine(slot.end)
            h.combine(slot.freedTables)
            if slot.stride != 1 { h.combine(slot.stride | 1 << 40) }
        }
    }
}

/// One slot of the per-mm flush ring: `{seq, start, end, freed_tables}` (kernel-reference.md §4.2).
public struct RingSlot: Hashable, Sendable {
    /// The generation whose flush the slot holds; 0 for none yet.
    public var seq: UInt64 = 0
    /// A writer has claimed the slot and not yet published it (`seq` is then its generation).
    public var isBusy = false
    /// The range; `end == nil` is `TLB_FLUSH_ALL`.
    public var start = 0
    public var end: Int? = 0
    /// The flush freed page tables.
    public var freedTables = false
    /// Pages per `INVLPG` over the range (``FlushTLBInfo/stride``): a page table's pages for a
    /// flush of huge PMDs.
    public var stride = 1

    /// The `INVLPG`s the slot's range takes.
    public var invalidations: Int { end.map { ($0 - start + stride - 1) / stride } ?? 0 }

    /// An empty slot.
    public init() {}
}
