/// A piece of state other CPUs can see, at the granularity the checker's partial-order
/// reduction uses to tell whether two actions of different CPUs commute.
///
/// Ghost state follows the real state it describes: the revocation marks of a page's TLB entries
/// are part of ``page(mm:page:)``, those reached through a freed frame part of ``frame(_:)``.
/// CPU-local state (the stack, `cpu_tlbstate` but `is_lazy`, the TLB's entries) is touched only
/// by the CPU itself, and actions of one CPU are always treated as dependent.
public enum Location: Hashable, Sendable {
    case tlbGen(mm: Int)
    case cpumask(mm: Int)
    case flushPending(mm: Int)
    /// `mmap_lock` and the VMAs it protects.
    case mmapLock(mm: Int)
    case ptl(mm: Int, table: Int)
    /// A PTE and the revocation marks of the TLB entries that cached it.
    case page(mm: Int, page: Int)
    case isLazy(cpu: Int)
    case mailbox(cpu: Int)
    /// The acknowledgements an initiator waits for.
    case acks(cpu: Int)
    case event(Int)
    /// The scheduling state of the threads pinned to a CPU.
    case runqueue(cpu: Int)
    case allocator
    /// Revocation marks of TLB entries reaching a frame.
    case frame(Int)
}

/// The shared state one action read and wrote.
public struct Footprint: Hashable, Sendable {
    /// Locations kept exactly; more make the footprint conflict with everything.
    public static let capacity = 8

    public private(set) var reads: [Location] = []
    public private(set) var writes: [Location] = []
    /// More locations than ``capacity``: conservatively dependent on every action.
    public private(set) var isEverything = false

    /// No location.
    public init() {
        reads.reserveCapacity(Self.capacity)
        writes.reserveCapacity(Self.capacity)
    }

    mutating func reset() {
        reads.removeAll(keepingCapacity: true)
        writes.removeAll(keepingCapacity: true)
        isEverything = false
    }

    mutating func add(_ location: Location, write: Bool) {
        if isEverything { return }
        if write {
            if !writes.contains(location) { writes.append(location) }
        } else if !reads.contains(location) {
            reads.append(location)
        }
        if reads.count + writes.count > Self.capacity { isEverything = true }
    }

    /// Whether executing the two actions in either order could differ: one writes what the
    /// other reads or writes.
    public func conflicts(with other: Footprint) -> Bool {
        if isEverything || other.isEverything { return true }
        for w in writes where other.writes.contains(w) || other.reads.contains(w) { return true }
        for w in other.writes where reads.contains(w) { return true }
        return false
    }
}
