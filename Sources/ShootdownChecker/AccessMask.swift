import ShootdownModel

/// A footprint (``Footprint``) as 64-bit masks over the locations a search has met, one bit a
/// location (``LocationBits``): what the source-set reduction compares on every transition and
/// keeps, per CPU, for every state's subtree (``SubtreeSummary``). A location may be in more
/// than one mask when the mask is the union of several steps'.
struct AccessMask: Equatable, Sendable {
    /// Locations read.
    var read: UInt64 = 0
    /// Locations written, not by a commutative update.
    var written: UInt64 = 0
    /// Locations updated (``Footprint/add(_:write:update:)``): two updates commute.
    var updated: UInt64 = 0

    /// Every location: a footprint too large to list, or a subtree not known.
    static let everything = AccessMask(read: ~0, written: ~0, updated: ~0)

    /// Locations touched at all.
    @inline(__always) var touched: UInt64 { read | written | updated }

    /// Whether the steps behind the two masks could give different results in either order: one
    /// writes what the other touches, or updates what the other reads (``Footprint/conflicts(with:)``,
    /// on bits; for unions, whether a step of one conflicts with a step of the other).
    @inline(__always)
    func conflicts(with other: AccessMask) -> Bool {
        (written & other.touched) | (touched & other.written) | (updated & other.read) | (read & other.updated) != 0
    }

    /// The accesses to the locations of `bits` only.
    @inline(__always)
    func restricted(to bits: UInt64) -> AccessMask {
        AccessMask(read: read & bits, written: written & bits, updated: updated & bits)
    }

    @inline(__always)
    mutating func formUnion(_ other: AccessMask) {
        read |= other.read
        written |= other.written
        updated |= other.updated
    }
}

/// The bit each location code gets in an ``AccessMask``, in the order the search meets them.
/// Past ``sharedBit`` locations share that bit (they then conflict with one another: less
/// reduction, never a missed interleaving); the top bit is the preemption counter.
struct LocationBits: Sendable {
    private var bits: [UInt32: UInt8] = [:]
    /// The bits of locks (`mmap_lock`, page-table locks): a step that takes one races with the
    /// step of another CPU that took it before, even though that CPU's unlock orders them.
    private(set) var locks: UInt64 = 0

    /// The bit every location past the first 62 shares.
    static let sharedBit: UInt8 = 62
    /// The number of preemptions taken, which the bound on them reads and every `preempt`
    /// writes: two preemptions of different CPUs do not commute when the second may be the
    /// one past the bound.
    static let preemptions: UInt64 = 1 << 63

    /// The masks of the action `action` whose footprint is `footprint`.
    mutating func mask(of footprint: Footprint, action: Action) -> AccessMask {
        if footprint.isEverything { return .everything }
        var mask = AccessMask()
        footprint.forEachAccess { code, write, update in
            let bit = bit(code)
            if update {
                mask.updated |= bit
            } else if write {
                mask.written |= bit
            } else {
                mask.read |= bit
            }
        }
        if action.isPreemption { mask.written |= Self.preemptions }
        return mask
    }

    private mutating func bit(_ code: UInt32) -> UInt64 {
        if let index = bits[code] { return 1 << UInt64(index) }
        let index = UInt8(min(bits.count, Int(Self.sharedBit)))
        bits[code] = index
        let kind = Location.Kind.of(code)
        if kind == Location.Kind.mmapLock || kind == Location.Kind.ptl { locks |= 1 << UInt64(index) }
        return 1 << UInt64(index)
    }
}
