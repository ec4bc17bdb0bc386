/// A 64-bit hash with a fixed definition, for state fingerprints that must be the same in every
/// process (Swift's `Hasher` is seeded per process).
public struct StableHasher: Sendable {
    private var state: UInt64 = 0x9E37_79B9_7F4A_7C15

    /// An empty hasher.
    public init() {}

    /// Mixes one word in (multiply-xorshift, as MurmurHash3's finaliser).
    public mutating func combine(_ word: UInt64) {
        state = (state ^ word) &* 0xFF51_AFD7_ED55_8CCD
        state ^= state >> 33
    }

    public mutating func combine(_ value: Int) { combine(UInt64(bitPattern: Int64(value))) }
    public mutating func combine(_ value: Bool) { combine(value ? 1 as UInt64 : 2) }
    public mutating func combine(_ value: Int?) { combine(value.map { UInt64(bitPattern: Int64($0)) &+ 1 } ?? 0) }

    /// The hash of everything combined (MurmurHash3's fmix64).
    public var value: UInt64 {
        var h = state
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }
}
