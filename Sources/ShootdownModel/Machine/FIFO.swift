/// A first-in, first-out queue over an array and the index of its oldest entry, so that taking
/// the oldest moves nothing (removing the first of an array moves all the others: dozens of
/// IPIs in a mailbox at 256 CPUs). A queue that empties forgets what it held when it next gets
/// an entry; one that never empties drops its taken entries once they outnumber the pending
/// ones. Two queues are equal when
/// they hold the same entries in the same order, whatever they took before.
///
/// A CPU's mailbox (``Mailbox``) and the simulator's IPI arrival times are such queues.
public struct FIFO<Element>: Sequence {
    /// Taken entries before `head`, pending ones from it on.
    @usableFromInline var entries: [Element] = []
    @usableFromInline var head: Int32 = 0
    /// Pending entries, kept beside the array, so that whether a queue is empty reads no more
    /// than the queue's owner (a CPU's mailbox is read for every CPU an action affects).
    @usableFromInline var pendingCount: Int32 = 0

    /// Taken entries kept, at least, before the array drops them.
    @usableFromInline static var compactionThreshold: Int32 { 32 }

    /// An empty queue.
    @inlinable public init() {}

    /// The pending entries, oldest first.
    public var pending: ArraySlice<Element> { entries[Int(head)...] }

    /// Whether no entry is pending.
    @inlinable public var isEmpty: Bool { pendingCount == 0 }

    /// Pending entries.
    @inlinable public var count: Int { Int(pendingCount) }

    /// The oldest pending entry, if any.
    @inlinable public var first: Element? { isEmpty ? nil : entries[Int(head)] }

    /// Queues `element` behind the pending ones.
    @inlinable
    public mutating func append(_ element: Element) {
        if pendingCount == 0 {
            if head > 0 {
                entries.removeAll(keepingCapacity: true)
                head = 0
            }
        } else if head >= Self.compactionThreshold && head >= pendingCount {
            entries.removeFirst(Int(head))
            head = 0
        }
        entries.append(element)
        pendingCount += 1
    }

    /// Takes the oldest pending entry; the queue is not empty. It moves nothing and frees
    /// nothing: the taken entries go at the next ``append(_:)``.
    @inlinable
    @discardableResult
    public mutating func removeFirst() -> Element {
        precondition(!isEmpty, "the queue is empty")
        let element = entries[Int(head)]
        pendingCount -= 1
        head += 1
        return element
    }

    public func makeIterator() -> ArraySlice<Element>.Iterator { pending.makeIterator() }
}

extension FIFO: Equatable where Element: Equatable {
    public static func == (a: FIFO, b: FIFO) -> Bool { a.pending == b.pending }
}

extension FIFO: Hashable where Element: Hashable {
    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for element in pending { hasher.combine(element) }
    }
}

extension FIFO: Sendable where Element: Sendable {}
