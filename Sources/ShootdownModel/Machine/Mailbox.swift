/// A CPU's `call_single_queue`: the flush IPIs queued to it and not yet taken, oldest first,
/// each with the initiator's `flush_tlb_info` as it was when queued.
///
/// A queue over an array and the index of its oldest entry, so that taking an IPI moves
/// nothing: at 256 CPUs a mailbox holds dozens of IPIs, and removing the first of an array
/// moved all the others on every delivery. Two mailboxes are equal when they hold the same
/// IPIs in the same order, whatever they took before.
public struct Mailbox: Hashable, Sendable, Sequence {
    /// Taken entries before `head`, pending ones from it on.
    @usableFromInline var entries: [FlushTLBInfo] = []
    @usableFromInline var head: Int32 = 0
    /// Pending entries, kept beside the array: whether a CPU has an IPI to take is read for
    /// every CPU an action affects, and this way reads no more than the CPU.
    @usableFromInline var pendingCount: Int32 = 0

    /// Taken entries kept before the array is compacted (it is emptied whenever the last
    /// pending entry is taken).
    private static let compactionThreshold = 32

    /// An empty mailbox.
    public init() {}

    /// The pending IPIs, oldest first.
    public var pending: ArraySlice<FlushTLBInfo> { entries[Int(head)...] }

    /// Whether no IPI is pending.
    @inlinable public var isEmpty: Bool { pendingCount == 0 }

    /// Pending IPIs.
    @inlinable public var count: Int { Int(pendingCount) }

    /// Queues `info` behind the pending IPIs (`__smp_call_single_queue()`).
    mutating func append(_ info: FlushTLBInfo) {
        if head >= Self.compactionThreshold && head >= pendingCount {
            entries.removeFirst(Int(head))
            head = 0
        }
        entries.append(info)
        pendingCount += 1
    }

    /// Takes the oldest pending IPI; the mailbox is not empty.
    mutating func removeFirst() -> FlushTLBInfo {
        precondition(!isEmpty, "no IPI is pending")
        let info = entries[Int(head)]
        pendingCount -= 1
        if pendingCount == 0 {
            entries.removeLast(entries.count)
            head = 0
        } else {
            head += 1
        }
        return info
    }

    public func makeIterator() -> ArraySlice<FlushTLBInfo>.Iterator { pending.makeIterator() }

    public static func == (a: Mailbox, b: Mailbox) -> Bool { a.pending == b.pending }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for info in pending { hasher.combine(info) }
    }
}
