import Synchronization

/// A shared table of `UInt64` values that readers may cache: the "page table" in front of
/// which ``SoftTLB`` keeps per-thread translations.
public protocol SharedTable: AnyObject, Sendable {
    /// The current value of `key`.
    func value(at key: UInt64) -> UInt64
}

/// A fixed-size ``SharedTable`` of atomics. A writer changes values, then publishes the keys to
/// a ``FlushRing``: ``update(_:ring:_:)`` does both in that order.
///
/// `@unchecked Sendable`: the pointer is allocated here, never reassigned, and used only
/// through its atomics.
public final class AtomicTable: SharedTable, @unchecked Sendable {
    /// The number of keys (`0..<count`).
    public let count: Int
    private let values: UnsafeMutablePointer<Atomic<UInt64>>

    /// A table of `count` keys, each holding `initial`.
    public init(count: Int, initial: UInt64 = 0) {
        precondition(count >= 1, "an AtomicTable needs at least one key")
        self.count = count
        values = UnsafeMutablePointer<Atomic<UInt64>>.allocate(capacity: count)
        for i in 0..<count { (values + i).initialize(to: Atomic(initial)) }
    }

    deinit {
        values.deinitialize(count: count)
        values.deallocate()
    }

    public func value(at key: UInt64) -> UInt64 {
        // Pairs with the releasing increment in update(): a reader that sees the new value
        // also sees what the writer did before.
        (values + Int(key)).pointee.load(ordering: .acquiring)
    }

    /// Increments `key`'s value (values only grow, so a stale one is recognisable), then
    /// publishes the key to `ring`.
    /// - Returns: the new value and the generation of the change.
    @discardableResult
    public func update(_ key: UInt64, ring: FlushRing) -> (value: UInt64, generation: UInt64) {
        let value = (values + Int(key)).pointee.wrappingAdd(1, ordering: .releasing).newValue
        return (value, ring.publish(key..<key + 1))
    }
}
