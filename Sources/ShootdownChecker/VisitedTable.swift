/// The checker's visited-state store: 64-bit state fingerprints (hash compaction, as SPIN's and
/// TLC's fingerprint sets) in an open-addressing table, each with the sleep set the state was
/// explored with (sleep sets and state caching need it to stay sound).
///
/// 12 bytes a slot; the table grows at 3/4 load, so a stored state takes at most 16 bytes.
public struct VisitedTable: Sendable {
    private var keys: [UInt64]
    private var sleeps: [UInt32]
    private var mask: Int
    /// The number of states stored.
    public private(set) var count = 0

    /// An empty table with room for `capacity` states before it grows.
    public init(capacity: Int = 1 << 16) {
        var size = 16
        while size * 3 / 4 < capacity { size *= 2 }
        keys = Array(repeating: 0, count: size)
        sleeps = Array(repeating: 0, count: size)
        mask = size - 1
    }

    /// Bytes of storage per stored state.
    public var bytesPerState: Double {
        count == 0 ? 0 : Double(keys.count * (8 + 4)) / Double(count)
    }

    /// Bytes of storage in all.
    public var bytes: Int { keys.count * 12 }

    /// Fingerprint 0 marks an empty slot, so it is stored as 1.
    @inline(__always) private static func key(_ fingerprint: UInt64) -> UInt64 {
        fingerprint == 0 ? 1 : fingerprint
    }

    /// Looks `fingerprint` up; if absent, stores it with `sleep`.
    /// - Returns: `nil` if the state is new, else the sleep set it was stored with.
    public mutating func insert(_ fingerprint: UInt64, sleep: UInt32) -> UInt32? {
        let key = Self.key(fingerprint)
        var i = Int(truncatingIfNeeded: key) & mask
        while keys[i] != 0 {
            if keys[i] == key { return sleeps[i] }
            i = (i + 1) & mask
        }
        keys[i] = key
        sleeps[i] = sleep
        count += 1
        if count * 4 > keys.count * 3 { grow() }
        return nil
    }

    /// Replaces the sleep set stored with `fingerprint` (which must be stored).
    public mutating func update(_ fingerprint: UInt64, sleep: UInt32) {
        let key = Self.key(fingerprint)
        var i = Int(truncatingIfNeeded: key) & mask
        while keys[i] != key { i = (i + 1) & mask }
        sleeps[i] = sleep
    }

    private mutating func grow() {
        let oldKeys = keys
        let oldSleeps = sleeps
        keys = Array(repeating: 0, count: oldKeys.count * 2)
        sleeps = Array(repeating: 0, count: oldKeys.count * 2)
        mask = keys.count - 1
        for (key, sleep) in zip(oldKeys, oldSleeps) where key != 0 {
            var i = Int(truncatingIfNeeded: key) & mask
            while keys[i] != 0 { i = (i + 1) & mask }
            keys[i] = key
            sleeps[i] = sleep
        }
    }
}
