import Synchronization

/// A per-table ring buffer of invalidations, after Andy Lutomirski's proposal for Linux's
/// per-mm TLB flush tracking: writers record each change's range under a generation; a reader
/// that cached translations catches up from its own generation to the newest by reading the
/// ring, and drops only the ranges it missed, or everything when it fell too far behind.
///
/// Writers (any number of threads) first change the shared table, then call ``publish(_:)``.
/// Readers (any number of threads) hold a ``Cursor`` and call ``catchUp(from:ceiling:)`` at a
/// safe point (before trusting their cache again). Nothing blocks readers; a writer waits only
/// for an older writer of the same slot that is mid-write.
///
/// ## The slot protocol (a seqlock per slot)
/// Slot `g % capacity` holds generation `g`'s range. Its `seq` word is the generation it holds,
/// or that generation with ``busyBit`` while a writer fills it.
/// - Writer of `g`: `head.wrappingAdd(1)` takes `g` (acquiring-and-releasing: the table change
///   before it is ordered before the generation, pairing with the reader's acquiring load of
///   `head`); `compareExchange(seq: old -> g | busy)` claims the slot, but only if `old < g`
///   (Andy's review: a writer overtaken by a newer one of the same slot gives up, leaving the
///   newer range, and readers of `g` see the mismatch and flush everything); a releasing fence;
///   relaxed stores of the range; a releasing store of `seq = g` publishes.
/// - Reader of `g`: acquiring load of `seq` must be `g`; relaxed loads of the range; an
///   acquiring fence; a relaxed reload of `seq` must still be `g`. If the range loads saw a
///   later writer's stores, the acquiring fence synchronises with that writer's releasing
///   fence, so the reload sees its busy mark and the reader falls back to a full flush.
///
/// - Complexity: ``publish(_:)`` is O(1) (plus waiting for a same-slot writer mid-write);
///   ``catchUp(from:ceiling:)`` is O(generations missed), at most O(capacity).
///
/// `@unchecked Sendable`: the only non-`Sendable` stored property is the pointer to the slots,
/// which this class allocates, never reassigns, and accesses only through their atomics.
public final class FlushRing: @unchecked Sendable {
    /// Marks a slot being written.
    public static let busyBit: UInt64 = 1 << 63

    /// The number of slots: a reader more than this many generations behind flushes everything.
    public let capacity: Int
    /// The newest generation taken (`mm->context.tlb_gen`); generation 0 means "nothing yet".
    private let head = Atomic<UInt64>(0)
    let slots: UnsafeMutablePointer<Slot>

    /// One ring entry. Every field a racing reader may load is atomic.
    struct Slot: ~Copyable {
        let seq = Atomic<UInt64>(0)
        let start = Atomic<UInt64>(0)
        let end = Atomic<UInt64>(0)
    }

    /// A ring of `capacity` slots.
    /// - Precondition: `capacity >= 1`.
    public init(capacity: Int) {
        precondition(capacity >= 1, "a FlushRing needs at least one slot")
        self.capacity = capacity
        slots = UnsafeMutablePointer<Slot>.allocate(capacity: capacity)
        for i in 0..<capacity { (slots + i).initialize(to: Slot()) }
    }

    deinit {
        slots.deinitialize(count: capacity)
        slots.deallocate()
    }

    /// The newest generation taken so far: a new reader starts here.
    public var generation: UInt64 {
        head.load(ordering: .acquiring)  // pairs with publish()'s wrappingAdd
    }

    /// Records that the keys in `range` changed; call it after changing the table.
    /// - Parameter range: the invalidated keys (e.g. page numbers); must not be empty.
    /// - Returns: the generation of this change. Readers whose cursor is at or past it no longer
    ///   hold anything the change invalidated, once they have acted on their catch-up.
    @discardableResult
    public func publish(_ range: Range<UInt64>) -> UInt64 {
        precondition(!range.isEmpty, "publish an empty range")
        // inc_mm_tlb_gen(): also orders the caller's table change before the generation.
        let g = head.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue
        let slot = slots + Int(g % UInt64(capacity))
        while true {
            let current = slot.pointee.seq.load(ordering: .acquiring)
            let owner = current & ~Self.busyBit
            if owner >= g {
                // Overtaken: a newer generation owns the slot. Leave its range; readers of g
                // find seq != g and flush everything.
                return g
            }
            if current & Self.busyBit != 0 {
                continue  // an older writer of this slot is mid-write: wait for it
            }
            let (exchanged, _) = slot.pointee.seq.compareExchange(
                expected: current, desired: g | Self.busyBit, ordering: .acquiringAndReleasing)
            if exchanged { break }
        }
        // Pairs with the reader's acquiring fence: range stores become visible only with the busy mark.
        atomicMemoryFence(ordering: .releasing)
        slot.pointee.start.store(range.lowerBound, ordering: .relaxed)
        slot.pointee.end.store(range.upperBound, ordering: .relaxed)
        // Publishes the range; pairs with the reader's acquiring load of seq.
        slot.pointee.seq.store(g, ordering: .releasing)
        return g
    }

    /// What a reader must drop to catch up.
    public enum CatchUp: Equatable, Sendable {
        /// Nothing changed since the cursor.
        case upToDate
        /// Drop these ranges, oldest first (overlaps kept as published).
        case ranges([Range<UInt64>])
        /// Drop everything: the ring wrapped past the cursor, a slot was mid-write or
        /// overwritten, or the ranges exceed the ceiling.
        case flushAll
    }

    /// Reads the changes after `cursor` up to the newest generation.
    /// - Parameters:
    ///   - cursor: the generation the reader's cache is up to date with; advanced to the
    ///     newest generation read. Act on the result before trusting the cache again.
    ///   - ceiling: more keys than this in total become ``CatchUp/flushAll`` (Linux: 33 pages).
    /// - Returns: the ranges to drop, or ``CatchUp/flushAll``.
    public func catchUp(from cursor: inout Cursor, ceiling: UInt64 = .max) -> CatchUp {
        // Pairs with publish()'s wrappingAdd: every table change of a generation <= target is visible.
        let target = head.load(ordering: .acquiring)
        let local = cursor.generation
        guard target > local else { return .upToDate }
        cursor.generation = target
        guard target - local <= UInt64(capacity) else { return .flushAll }
        var ranges: [Range<UInt64>] = []
        ranges.reserveCapacity(Int(target - local))
        var keys: UInt64 = 0
        for g in (local + 1)...target {
            let slot = slots + Int(g % UInt64(capacity))
            guard slot.pointee.seq.load(ordering: .acquiring) == g else { return .flushAll }
            let start = slot.pointee.start.load(ordering: .relaxed)
            let end = slot.pointee.end.load(ordering: .relaxed)
            atomicMemoryFence(ordering: .acquiring)  // smp_rmb(): pairs with the writer's releasing fence
            guard slot.pointee.seq.load(ordering: .relaxed) == g, start < end else { return .flushAll }
            keys &+= end - start
            if keys > ceiling { return .flushAll }
            ranges.append(start..<end)
        }
        return .ranges(ranges)
    }

    /// A reader's position: the generation its cache is up to date with.
    public struct Cursor: Hashable, Sendable {
        /// The generation caught up to.
        public var generation: UInt64

        /// A cursor at `generation`; a new reader uses ``FlushRing/generation`` before it
        /// reads the table for the first time.
        public init(generation: UInt64) {
            self.generation = generation
        }
    }
}

extension FlushRing.CatchUp {
    /// The ranges as one covering range (Nadav Amit's sketch: min start, max end), or
    /// ``FlushRing/CatchUp/flushAll`` when that range exceeds `ceiling` keys.
    public func merged(ceiling: UInt64 = .max) -> FlushRing.CatchUp {
        guard case .ranges(let ranges) = self, let first = ranges.first else { return self }
        var lower = first.lowerBound
        var upper = first.upperBound
        for range in ranges.dropFirst() {
            lower = min(lower, range.lowerBound)
            upper = max(upper, range.upperBound)
        }
        return upper - lower > ceiling ? .flushAll : .ranges([lower..<upper])
    }
}
