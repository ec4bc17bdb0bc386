/// A set of CPUs, as the kernel's `struct cpumask` (up to 64 CPUs in the model).
public struct CPUMask: Hashable, Sendable, Sequence {
    /// One bit per CPU.
    public var bits: UInt64

    /// The empty mask.
    public static let empty = CPUMask(bits: 0)

    /// `cpumask_test_cpu`.
    public func contains(_ cpu: Int) -> Bool { bits & (1 << UInt64(cpu)) != 0 }
    /// `cpumask_set_cpu`.
    public mutating func insert(_ cpu: Int) { bits |= 1 << UInt64(cpu) }
    /// `cpumask_clear_cpu`.
    public mutating func remove(_ cpu: Int) { bits &= ~(1 << UInt64(cpu)) }
    /// Whether the mask holds no CPU.
    public var isEmpty: Bool { bits == 0 }
    /// `cpumask_any_but(mask, cpu) < nr_cpu_ids`: another CPU than `cpu` is in the mask.
    public func containsAny(but cpu: Int) -> Bool { bits & ~(1 << UInt64(cpu)) != 0 }

    public func makeIterator() -> AnyIterator<Int> {
        var rest = bits
        return AnyIterator {
            guard rest != 0 else { return nil }
            let cpu = rest.trailingZeroBitCount
            rest &= rest - 1
            return cpu
        }
    }
}
