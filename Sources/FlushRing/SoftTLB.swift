/// A per-thread cache of translations in front of a ``SharedTable``, kept coherent by a
/// ``FlushRing`` (a software TLB, as an emulator or a lookup cache would keep one).
///
/// **Safe point.** ``catchUp()`` drops every cached key changed since the last catch-up (or all of
/// them). After it returns, ``lookup(_:)`` never returns a value whose replacement was published
/// before the catch-up began: the cache holds only values read after the previous catch-up's
/// target generation, and every later change is either in the ranges read now or forces a full
/// drop. Between safe points the cache may serve values changed since: call ``catchUp()`` where the
/// caller needs the table's current state (Linux: on the flush IPI and on switching back to an mm).
///
/// A `SoftTLB` belongs to one thread; share the ring and the table, not the cache.
public struct SoftTLB<Table: SharedTable> {
    /// The shared table.
    public let table: Table
    /// The ring its writers publish to.
    public let ring: FlushRing
    /// Keys changing more than this many at once make ``catchUp()`` drop everything.
    public let ceiling: UInt64
    /// Whether ``catchUp()`` drops one covering range instead of each range.
    public let mergesRanges: Bool
    private var cache: [UInt64: UInt64] = [:]
    private var cursor: FlushRing.Cursor

    /// Lookups served from the cache.
    public private(set) var hits = 0
    /// Lookups that read the table.
    public private(set) var misses = 0
    /// Catch-ups that dropped the whole cache.
    public private(set) var fullFlushes = 0
    /// Catch-ups that dropped ranges only.
    public private(set) var rangedFlushes = 0

    /// An empty cache whose cursor starts at the ring's newest generation.
    public init(table: Table, ring: FlushRing, ceiling: UInt64 = 33, mergesRanges: Bool = false) {
        self.table = table
        self.ring = ring
        self.ceiling = ceiling
        self.mergesRanges = mergesRanges
        // Read the generation before any table value, so the first catch-up covers every
        // change the first table reads could have missed.
        cursor = FlushRing.Cursor(generation: ring.generation)
    }

    /// The value of `key`, from the cache or else from the table (then cached).
    public mutating func lookup(_ key: UInt64) -> UInt64 {
        if let value = cache[key] {
            hits += 1
            return value
        }
        misses += 1
        let value = table.value(at: key)
        cache[key] = value
        return value
    }

    /// The safe point: drops what changed since the last catch-up.
    public mutating func catchUp() {
        var result = ring.catchUp(from: &cursor, ceiling: ceiling)
        if mergesRanges { result = result.merged(ceiling: ceiling) }
        switch result {
        case .upToDate:
            return
        case .flushAll:
            fullFlushes += 1
            cache.removeAll(keepingCapacity: true)
        case .ranges(let ranges):
            rangedFlushes += 1
            for range in ranges {
                if UInt64(cache.count) < range.upperBound - range.lowerBound {
                    cache = cache.filter { !range.contains($0.key) }
                } else {
                    for key in range { cache[key] = nil }
                }
            }
        }
    }

    /// The number of cached translations.
    public var cachedCount: Int { cache.count }
}
