/// The checker's visited-state store: state fingerprints (hash compaction, as SPIN's and TLC's
/// fingerprint sets) in an open-addressing table, each with the sleep set the state was
/// explored with (sleep sets and state caching need it to stay sound).
///
/// A slot is one 64-bit word: the fingerprint's top 48 bits and a 16-bit sleep set (5 CPUs of
/// 3 actions), with the depth the state was explored from beside it (SPIN's `-DREACH`: a state
/// reached again with more depth left under the depth bound is explored again). The table grows
/// by half when 9/10 full, so a stored state takes 11.1 to 16.7 bytes. Two distinct states
/// collide with probability about n(n-1)/2^49.
public struct VisitedTable: Sendable {
    private var slots: [UInt64]
    /// The depth each slot's state was last explored from (capped at `UInt16.max`).
    private var depths: [UInt16]
    /// The number of states stored.
    public private(set) var count = 0

    /// Bits of a fingerprint the table keeps.
    public static let fingerprintBits = 48

    /// An empty table with room for `capacity` states before it grows.
    public init(capacity: Int = 1 << 10) {
        slots = Array(repeating: 0, count: max(16, capacity * 10 / 9 + 1))
        depths = Array(repeating: 0, count: slots.count)
    }

    /// Bytes of storage per stored state.
    public var bytesPerState: Double {
        count == 0 ? 0 : Double(bytes) / Double(count)
    }

    /// Bytes of storage in all.
    public var bytes: Int { slots.count * 10 }

    /// The stored word for `fingerprint` with an empty sleep set (never 0, which marks a free slot).
    @inline(__always) private static func tag(_ fingerprint: UInt64) -> UInt64 {
        let high = fingerprint & ~0xFFFF
        return high == 0 ? 1 << 16 : high
    }

    /// The home slot of a tag: its top bits scaled onto the table (Lemire's multiply-shift).
    /// Computed from the tag alone, so that growing the table can place stored words again.
    @inline(__always) private func home(_ tag: UInt64) -> Int {
        Int(truncatingIfNeeded: tag.multipliedFullWidth(by: UInt64(slots.count)).high)
    }

    /// What the table holds of a state explored before.
    public struct Stored: Equatable, Sendable {
        /// The actions left unexplored from it.
        public var sleep: UInt16
        /// The depth it was explored from.
        public var depth: Int
    }

    /// Looks `fingerprint` up; if absent, stores it with `sleep` and `depth`.
    /// - Returns: `nil` if the state is new, else what it was stored with.
    public mutating func insert(_ fingerprint: UInt64, sleep: UInt16, depth: Int) -> Stored? {
        let tag = Self.tag(fingerprint)
        var i = home(tag)
        while slots[i] != 0 {
            if slots[i] & ~0xFFFF == tag {
                return Stored(sleep: UInt16(truncatingIfNeeded: slots[i]), depth: Int(depths[i]))
            }
            i += 1
            if i == slots.count { i = 0 }
        }
        slots[i] = tag | UInt64(sleep)
        depths[i] = Self.clamp(depth)
        count += 1
        if count * 10 > slots.count * 9 { grow() }
        return nil
    }

    /// What a search does with a state it reached (``visit(_:sleep:depth:reexploresDeeper:)``).
    public enum Visit: Equatable, Sendable {
        /// Not seen before: stored, explore every action not in its sleep set.
        case new
        /// Seen, and everything awake now was explored: nothing to do.
        case known
        /// Seen: explore again every action but these (the ones it slept on before and is
        /// awake for now; or, reached with more depth left, all but the sleeping ones).
        case again(skip: UInt16)
    }

    /// Stores a state reached with `sleep` at `depth`, or merges it with what is stored, in one
    /// lookup, and says what to explore. A state seen before is explored again for the actions
    /// it slept on then and is awake for now (the stored sleep set becomes the intersection);
    /// with `reexploresDeeper` (once the depth bound cut a subtree), a state reached with more
    /// depth left than it was explored with is explored again (SPIN's -DREACH), so that the
    /// bound cuts schedules, never states reachable within it.
    public mutating func visit(_ fingerprint: UInt64, sleep: UInt16, depth: Int, reexploresDeeper: Bool) -> Visit {
        guard let stored = insert(fingerprint, sleep: sleep, depth: depth) else { return .new }
        if reexploresDeeper && depth < stored.depth {
            update(fingerprint, sleep: sleep, depth: depth)
            return .again(skip: sleep)
        }
        let awakened = stored.sleep & ~sleep
        if awakened == 0 { return .known }
        update(fingerprint, sleep: stored.sleep & sleep, depth: max(stored.depth, depth))
        return .again(skip: ~awakened)
    }

    /// Replaces what is stored with `fingerprint` (which must be stored).
    public mutating func update(_ fingerprint: UInt64, sleep: UInt16, depth: Int) {
        let tag = Self.tag(fingerprint)
        var i = home(tag)
        while slots[i] & ~0xFFFF != tag {
            i += 1
            if i == slots.count { i = 0 }
        }
        slots[i] = tag | UInt64(sleep)
        depths[i] = Self.clamp(depth)
    }

    @inline(__always) private static func clamp(_ depth: Int) -> UInt16 { UInt16(clamping: depth) }

    private mutating func grow() {
        let old = slots
        let oldDepths = depths
        slots = Array(repeating: 0, count: old.count + old.count / 2)
        depths = Array(repeating: 0, count: slots.count)
        for (word, depth) in zip(old, oldDepths) where word != 0 {
            var i = home(word & ~0xFFFF)
            while slots[i] != 0 {
                i += 1
                if i == slots.count { i = 0 }
            }
            slots[i] = word
            depths[i] = depth
        }
    }
}
