/// The CPUs' next start times in a tournament tree of keys: the earliest, the lowest CPU on a
/// tie, in O(1); a CPU's time changed in O(log CPUs). No allocation after `init`; the tree
/// lives in memory the queue owns (no copy-on-write check per update).
///
/// A key packs a start and its CPU into one word, start above CPU, so that the smaller key is
/// the earlier start and, on a tie, the lower CPU; every inner node holds the smaller key of
/// its two children.
struct EventQueue: ~Copyable {
    /// Bits of a key below the start: the CPU.
    private static let cpuBits = 9
    /// The key of a CPU with nothing to run.
    private static let idle = UInt64.max
    /// Starts at or above this do not fit a key (2^54 cycles: months of simulated time).
    static let startLimit = 1 << (64 - cpuBits - 1)

    /// `keys[1]` is the root; CPU `c`'s leaf is `keys[size + c]`. Padded to a power of two.
    private let keys: UnsafeMutablePointer<UInt64>
    private let size: Int

    /// A queue of `cpus` CPUs (at most 2^9) with nothing to run.
    init(cpus: Int) {
        precondition(cpus >= 1 && cpus <= 1 << Self.cpuBits, "the event queue packs a CPU in \(Self.cpuBits) bits")
        var size = 1
        while size < cpus { size <<= 1 }
        self.size = size
        keys = .allocate(capacity: 2 * size)
        keys.initialize(repeating: Self.idle, count: 2 * size)
    }

    deinit { keys.deallocate() }

    /// Sets `cpu`'s next start (`nil`: nothing to run).
    @inline(__always)
    mutating func set(_ cpu: Int, start: Int?) {
        assert(cpu >= 0 && cpu < size, "cpu\(cpu) beyond the event queue")
        var key = Self.idle
        if let start {
            precondition(start >= 0 && start < Self.startLimit, "simulated time \(start) overflows the event queue")
            key = UInt64(start) << Self.cpuBits | UInt64(cpu)
        }
        var node = size + cpu
        guard keys[node] != key else { return }
        keys[node] = key
        // Up to the root without stopping where a node keeps its key: the CPU updated is most
        // often the one that just ran, the root's, whose change reaches the root, and a test per
        // level costs more than the stores it saves.
        while node > 1 {
            key = min(key, keys[node ^ 1])
            node >>= 1
            keys[node] = key
        }
    }

    /// The CPU that can start earliest and when, or `nil` when none can run.
    var earliest: (cpu: Int, start: Int)? {
        let key = keys[1]
        guard key != Self.idle else { return nil }
        return (Int(key & (1 << Self.cpuBits - 1)), Int(key >> Self.cpuBits))
    }
}
