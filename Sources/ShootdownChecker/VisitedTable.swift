/// The checker's visited-state store: state fingerprints (hash compaction, as SPIN's and TLC's
/// fingerprint sets) in an open-addressing table, each with the sleep set the state was
/// explored with (sleep sets and state caching need it to stay sound).
///
/// A slot is one 64-bit word: the fingerprint's top 48 bits and a 16-bit sleep set (5 CPUs of
/// 3 actions). The table grows by half when 9/10 full, so a stored state takes 8.9 to 13.3
/// bytes. Two distinct states collide with probability about n(n-1)/2^49.
public struct VisitedTable: Sendable {
    private var slots: [UInt64]
    /// The number of states stored.
    public private(set) var count = 0

    /// Bits of a fingerprint the table keeps.
    public static let fingerprintBits = 48

    /// An empty table with room for `capacity` states before it grows.
    public init(capacity: Int = 1 << 10) {
        slots = Array(repeating: 0, count: max(16, capacity * 10 / 9 + 1))
    }

    /// Bytes of storage per stored state.
    public var bytesPerState: Double {
        count == 0 ? 0 : Double(bytes) / Double(count)
    }

    /// Bytes of storage in all.
    public var bytes: Int { slots.count * 8 }

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

    /// Looks `fingerprint` up; if absent, stores it with `sleep`.
    /// - Returns: `nil` if the state is new, else the sleep set it was stored with.
    public mutating func insert(_ fingerprint: UInt64, sleep: UInt16) -> UInt16? {
        let tag = Self.tag(fingerprint)
        var i = home(tag)
        while slots[i] != 0 {
            if slots[i] & ~0xFFFF == tag { return UInt16(truncatingIfNeeded: slots[i]) }
            i += 1
            if i == slots.count { i = 0 }
        }
        slots[i] = tag | UInt64(sleep)
        count += 1
        if count * 10 > slots.count * 9 { grow() }
        return nil
    }

    /// Replaces the sleep set stored with `fingerprint` (which must be stored).
    public mutating func update(_ fingerprint: UInt64, sleep: UInt16) {
        let tag = Self.tag(fingerprint)
        var i = home(tag)
        while slots[i] & ~0xFFFF != tag {
            i += 1
            if i == slots.count { i = 0 }
        }
        slots[i] = tag | UInt64(sleep)
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: 0, count: old.count + old.count / 2)
        for word in old where word != 0 {
            var i = home(word & ~0xFFFF)
            while slots[i] != 0 {
                i += 1
                if i == slots.count { i = 0 }
            }
            slots[i] = word
        }
    }
}
