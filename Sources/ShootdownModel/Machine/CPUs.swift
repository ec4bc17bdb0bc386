/// The machine's CPUs: an array of ``CPU`` that also records which CPUs changed since
/// ``forgetChanges()``, so that the checker can fingerprint again only the CPUs a step changed
/// (``World/fingerprintReusingCPUs(into:omitting:)``). Every change goes through the subscript,
/// which records it; the record is not part of the value (two `CPUs` are equal when their CPUs
/// are).
public struct CPUs: Hashable, Sendable, RandomAccessCollection, MutableCollection {
    private var array: [CPU]
    /// Bit `c` set: CPU `c` may have changed since ``forgetChanges()`` (bit 63 stands for CPU 63
    /// and every CPU past it).
    package private(set) var changed: UInt64 = 0

    /// `count` copies of `cpu`.
    public init(repeating cpu: CPU, count: Int) {
        array = Array(repeating: cpu, count: count)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { array.count }

    public subscript(index: Int) -> CPU {
        _read { yield array[index] }
        _modify {
            changed |= 1 << UInt64(Swift.min(index, 63))
            yield &array[index]
        }
    }

    /// Starts a new record of changes: no CPU changed.
    package mutating func forgetChanges() { changed = 0 }

    public static func == (lhs: CPUs, rhs: CPUs) -> Bool { lhs.array == rhs.array }
    public func hash(into hasher: inout Hasher) { hasher.combine(array) }
}
