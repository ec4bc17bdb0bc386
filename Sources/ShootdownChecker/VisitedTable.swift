import CachePrefetch

#if canImport(Glibc)
    import Glibc
#endif

/// The checker's visited-state store: state fingerprints (hash compaction, as SPIN's and TLC's
/// fingerprint sets) in an open-addressing table, each with the sleep set the state was
/// explored with (sleep sets and state caching need it to stay sound).
///
/// A slot is the whole 64-bit fingerprint, with its state's 16-bit sleep set (5 CPUs of 3
/// actions) and the depth the state was explored from beside it, in one 32-bit word (SPIN's
/// `-DREACH`: a state reached again with more depth left under the depth bound is explored
/// again). Slots come five to a 64-byte bucket, aligned to a cache line: five fingerprints, then
/// their five words, so that a lookup costs one cache miss however its state is stored (with the
/// fingerprints and the words in two arrays, a new state cost two). Buckets are probed linearly,
/// and a bucket's slots fill in order, so the first free slot ends a probe. The table grows by
/// half when 9/10 full, so a stored state takes 14.2 to 21.3 bytes. Two distinct states collide
/// with probability about n(n-1)/2^65: at 10^8 states, 3 x 10^-4 (48 bits, with the sleep set in
/// the fingerprint's word, made that 9 pairs).
public struct VisitedTable: Sendable {
    /// The buckets, in memory of their own (a value: a table is copied before a shared one
    /// changes).
    private final class Buckets: @unchecked Sendable {
        /// `count` buckets of ``wordsPerBucket`` words: five fingerprints (0 marks a free slot; a
        /// fingerprint of 0 is stored as 1), then five 32-bit words, each its slot's sleep set
        /// (the high 16 bits) and the depth its state was last explored from (the low 16,
        /// capped at `UInt16.max`).
        let words: UnsafeMutablePointer<UInt64>
        let count: Int

        init(count: Int) {
            self.count = count
            let bytes = count * VisitedTable.wordsPerBucket * 8
            // A large table on 2 MB pages: a lookup's cache miss is then rarely a TLB miss too.
            let hugePage = 1 << 21
            let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: bytes >= hugePage ? hugePage : 64)
            #if canImport(Glibc)
                if bytes >= hugePage { _ = madvise(raw, bytes, MADV_HUGEPAGE) }
            #endif
            raw.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
            words = raw.assumingMemoryBound(to: UInt64.self)
        }

        func copy() -> Buckets {
            let copy = Buckets(count: count)
            copy.words.update(from: words, count: count * VisitedTable.wordsPerBucket)
            return copy
        }

        deinit { UnsafeMutableRawPointer(words).deallocate() }
    }

    /// Slots to a bucket.
    static let slotsPerBucket = 5
    /// Words to a bucket: 64 bytes, a cache line.
    static let wordsPerBucket = 8

    private var buckets: Buckets
    /// The number of states stored.
    public private(set) var count = 0

    /// Bits of a fingerprint the table keeps.
    public static let fingerprintBits = 64

    /// An empty table with room for `capacity` states before it grows.
    public init(capacity: Int = 1 << 10) {
        buckets = Buckets(count: max(4, capacity * 10 / 9 / Self.slotsPerBucket + 1))
    }

    /// Slots in all.
    private var slots: Int { buckets.count * Self.slotsPerBucket }

    /// Bytes of storage per stored state.
    public var bytesPerState: Double {
        count == 0 ? 0 : Double(bytes) / Double(count)
    }

    /// Bytes of storage in all.
    public var bytes: Int { buckets.count * Self.wordsPerBucket * 8 }

    /// The stored word for `fingerprint` (never 0, which marks a free slot).
    @inline(__always) private static func tag(_ fingerprint: UInt64) -> UInt64 {
        fingerprint == 0 ? 1 : fingerprint
    }

    /// A slot's word of sleep set and depth.
    @inline(__always) private static func meta(sleep: UInt16, depth: Int) -> UInt32 {
        UInt32(sleep) << 16 | UInt32(UInt16(clamping: depth))
    }

    /// The home bucket of a tag: its top bits scaled onto the buckets (Lemire's multiply-shift).
    /// Computed from the tag alone, so that growing the table can place stored words again.
    @inline(__always) private static func home(_ tag: UInt64, buckets: Int) -> Int {
        Int(truncatingIfNeeded: tag.multipliedFullWidth(by: UInt64(buckets)).high)
    }

    /// Where `tag` is stored in `buckets`, or the free slot that ends its probe: the
    /// fingerprint's word and the slot's 32-bit word.
    @inline(__always) private static func find(_ tag: UInt64, in buckets: Buckets)
        -> (fingerprint: UnsafeMutablePointer<UInt64>, meta: UnsafeMutablePointer<UInt32>)
    {
        var bucket = home(tag, buckets: buckets.count)
        while true {
            let base = buckets.words + bucket * wordsPerBucket
            for slot in 0..<slotsPerBucket where base[slot] == tag || base[slot] == 0 {
                let metas = UnsafeMutableRawPointer(base + slotsPerBucket).assumingMemoryBound(to: UInt32.self)
                return (base + slot, metas + slot)
            }
            bucket += 1
            if bucket == buckets.count { bucket = 0 }
        }
    }

    /// Starts loading `fingerprint`'s home bucket into the cache, so that a
    /// ``visit(_:sleep:depth:reexploresDeeper:)`` soon after waits less for it.
    @inline(__always) public func prefetch(_ fingerprint: UInt64) {
        cache_prefetch(buckets.words + Self.home(Self.tag(fingerprint), buckets: buckets.count) * Self.wordsPerBucket)
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
        if !isKnownUniquelyReferenced(&buckets) { buckets = buckets.copy() }
        let tag = Self.tag(fingerprint)
        let slot = Self.find(tag, in: buckets)
        if slot.fingerprint.pointee == tag {
            let meta = slot.meta.pointee
            return Stored(sleep: UInt16(truncatingIfNeeded: meta >> 16), depth: Int(meta & 0xFFFF))
        }
        slot.fingerprint.pointee = tag
        slot.meta.pointee = Self.meta(sleep: sleep, depth: depth)
        count += 1
        if count * 10 > slots * 9 { grow() }
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
        if !isKnownUniquelyReferenced(&buckets) { buckets = buckets.copy() }
        let slot = Self.find(Self.tag(fingerprint), in: buckets)
        precondition(slot.fingerprint.pointee == Self.tag(fingerprint), "update of a state never stored")
        slot.meta.pointee = Self.meta(sleep: sleep, depth: depth)
    }

    private mutating func grow() {
        let old = buckets
        buckets = Buckets(count: old.count + old.count / 2)
        for bucket in 0..<old.count {
            let base = old.words + bucket * Self.wordsPerBucket
            let metas = UnsafeMutableRawPointer(base + Self.slotsPerBucket).assumingMemoryBound(to: UInt32.self)
            for slot in 0..<Self.slotsPerBucket where base[slot] != 0 {
                let free = Self.find(base[slot], in: buckets)
                free.fingerprint.pointee = base[slot]
                free.meta.pointee = metas[slot]
            }
        }
    }
}
