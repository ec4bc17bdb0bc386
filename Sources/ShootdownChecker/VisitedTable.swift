/// The checker's visited-state store: state fingerprints (hash compaction, as SPIN's and TLC's
/// fingerprint sets) in an open-addressing table, each with the sleep set the state was
/// explored with (sleep sets and state caching need it to stay sound).
///
/// A slot is the whole 64-bit fingerprint, with its state's 16-bit sleep set (5 CPUs of 3
/// actions) and the depth the state was explored from beside it, in one 32-bit word (SPIN's
/// `-DREACH`: a state reached again with more depth left under the depth bound is explored
/// again). The table grows by half when 9/10 full, so a stored state takes 13.3 to 20 bytes.
/// Two distinct states collide with probability about n(n-1)/2^65: at 10^8 states, 3 x 10^-4
/// (48 bits, with the sleep set in the fingerprint's word, made that 9 pairs).
public struct VisitedTable: Sendable {
    /// Fingerprints; 0 marks a free slot (a fingerprint of 0 is stored as 1).
    private var slots: [UInt64]
    /// Each slot's sleep set (the high 16 bits) and the depth its state was last explored from
    /// (the low 16, capped at `UInt16.max`).
    private var meta: [UInt32]
    /// The number of states stored.
    public private(set) var count = 0

    /// Bits of a fingerprint the table keeps.
    public static let fingerprintBits = 64

    /// An empty table with room for `capacity` states before it grows.
    public init(capacity: Int = 1 << 10) {
        slots = Array(repeating: 0, count: max(16, capacity * 10 / 9 + 1))
        meta = Array(repeating: 0, count: slots.count)
    }

    /// Bytes of storage per stored state.
    public var bytesPerState: Double {
        count == 0 ? 0 : Double(bytes) / Double(count)
    }

    /// Bytes of storage in all.
    public var bytes: Int { slots.count * 12 }

    /// The stored word for `fingerprint` (never 0, which marks a free slot).
    @inline(__always) private static func tag(_ fingerprint: UInt64) -> UInt64 {
        fingerprint == 0 ? 1 : fingerprint
    }

    /// A slot's ``meta`` word.
    @inline(__always) private static func meta(sleep: UInt16, depth: Int) -> UInt32 {
        UInt32(sleep) << 16 | UInt32(UInt16(clamping: depth))
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
            if slots[i] == tag {
                return Stored(sleep: UInt16(truncatingIfNeeded: meta[i] >> 16), depth: Int(meta[i] & 0xFFFF))
            }
            i += 1
            if i == slots.count { i = 0 }
        }
        slots[i] = tag
        meta[i] = Self.meta(sleep: sleep, depth: depth)
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
        while slots[i] != tag {
            i += 1
            if i == slots.count { i = 0 }
        }
        meta[i] = Self.meta(sleep: sleep, depth: depth)
    }

    private mutating func grow() {
        let old = slots
        let oldMeta = meta
        slots = Array(repeating: 0, count: old.count + old.count / 2)
        meta = Array(repeating: 0, count: slots.count)
        for (word, stored) in zip(old, oldMeta) where word != 0 {
            var i = home(word)
            while slots[i] != 0 {
                i += 1
                if i == slots.count { i = 0 }
            }
            slots[i] = word
            meta[i] = stored
        }
    }
}
