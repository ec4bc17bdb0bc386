/// The most CPUs a machine, and threads a scenario, can have: the width of ``CPUMask``.
public let maxCPUs = 256

/// A set of threads of a scenario (up to ``maxCPUs``), stored as a ``CPUMask`` is: the threads
/// whose operations a revocation waits for (``Revocation/coveredBy``).
public typealias ThreadSet = CPUMask

/// A set of CPUs, as the kernel's `struct cpumask` (up to ``maxCPUs`` in the model), stored
/// inline in four words. Sets of threads are stored alike (``ThreadSet``).
public struct CPUMask: Hashable, Sendable, Sequence {
    private var w0: UInt64 = 0
    private var w1: UInt64 = 0
    private var w2: UInt64 = 0
    private var w3: UInt64 = 0

    /// The empty mask.
    public static let empty = CPUMask()

    /// The mask holding `cpu` alone.
    public init(_ cpu: Int) { insert(cpu) }

    private init() {}

    /// Word `index` (0...3): CPUs 64 x index to 64 x index + 63.
    func word(_ index: Int) -> UInt64 {
        switch index {
        case 0: w0
        case 1: w1
        case 2: w2
        default: w3
        }
    }

    private mutating func update(_ index: Int, _ change: (inout UInt64) -> Void) {
        switch index {
        case 0: change(&w0)
        case 1: change(&w1)
        case 2: change(&w2)
        default: change(&w3)
        }
    }

    private static func bit(_ cpu: Int) -> UInt64 { 1 << UInt64(cpu & 63) }

    /// `cpumask_test_cpu`.
    public func contains(_ cpu: Int) -> Bool { word(cpu >> 6) & Self.bit(cpu) != 0 }
    /// `cpumask_set_cpu`.
    public mutating func insert(_ cpu: Int) {
        precondition((0..<maxCPUs).contains(cpu), "CPU or thread \(cpu) beyond the mask's \(maxCPUs)")
        update(cpu >> 6) { $0 |= Self.bit(cpu) }
    }
    /// `cpumask_clear_cpu`.
    public mutating func remove(_ cpu: Int) { update(cpu >> 6) { $0 &= ~Self.bit(cpu) } }
    /// Whether the mask holds no CPU.
    public var isEmpty: Bool { w0 | w1 | w2 | w3 == 0 }
    /// `cpumask_any_but(mask, cpu) < nr_cpu_ids`: another CPU than `cpu` is in the mask.
    public func containsAny(but cpu: Int) -> Bool {
        var other = self
        other.remove(cpu)
        return !other.isEmpty
    }
    /// `cpumask_or`.
    public mutating func formUnion(_ other: CPUMask) {
        w0 |= other.w0
        w1 |= other.w1
        w2 |= other.w2
        w3 |= other.w3
    }
    /// `cpumask_first`, or `nil` when empty.
    public var first: Int? {
        for index in 0..<4 where word(index) != 0 { return index << 6 + word(index).trailingZeroBitCount }
        return nil
    }

    /// Mixes the mask into a state fingerprint: the first word, then the other three only
    /// when one is not empty (a flag word tells which, so the encoding stays unambiguous).
    func fingerprint(into h: inout StableHasher) {
        h.combine(w0)
        guard w1 | w2 | w3 != 0 else {
            h.combine(0 as UInt64)
            return
        }
        h.combine(1 as UInt64)
        h.combine(w1)
        h.combine(w2)
        h.combine(w3)
    }

    public func makeIterator() -> Iterator { Iterator(rest: self) }

    /// The CPUs in increasing order (`for_each_cpu`).
    public struct Iterator: IteratorProtocol {
        var rest: CPUMask

        public mutating func next() -> Int? {
            guard let cpu = rest.first else { return nil }
            rest.remove(cpu)
            return cpu
        }
    }
}
