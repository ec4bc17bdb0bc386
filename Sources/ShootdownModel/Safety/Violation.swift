/// A safety failure: a CPU used a translation the kernel relied on being gone, or the
/// machine stopped with every CPU waiting.
public struct Violation: Hashable, Sendable {
    /// What went wrong.
    public enum Kind: String, Hashable, Sendable {
        /// An access through an entry whose translation was removed and the removal was due.
        case staleTranslation = "stale-translation"
        /// A write through an entry whose write permission was removed and the removal was due.
        case staleWrite = "stale-write"
        /// An access through an entry filled from another address space's page table.
        case wrongAddressSpace = "wrong-address-space"
        /// A write into a frame another address space still maps copy-on-write, through a
        /// translation that was writable when filled: a copy-on-write break the kernel skipped
        /// (every path that grants write must see the frame exclusive first).
        case sharedWrite = "shared-write"
        /// A page table was freed while a CPU could still walk it: its loaded PCID caches a
        /// paging-structure entry pointing at the table, and the hardware may walk through it
        /// at any time (speculatively too, on a lazy CPU), reading the reused page as PTEs.
        case freedTableWalk = "freed-table-walk"
        /// An access through a huge page's TLB entry after its PMD was split into a page table
        /// without the flush: the TLB may hold translations of two sizes for the page, which
        /// the Intel SDM leaves undefined (§4.10.2.3, "multiple TLB entries") and AMD erratum
        /// 383 turned into machine checks.
        case splitHugeEntry = "split-huge-entry"
        /// Every CPU waits and nothing can run.
        case deadlock
    }

    public var kind: Kind
    /// The CPU that made the access (for a deadlock: the first waiting CPU).
    public var cpu: Int
    /// The thread that made the access, if any.
    public var thread: Int?
    /// The address space and page accessed (`nil` for a deadlock; for a freed-table walk, the
    /// table's first page).
    public var mm: Int?
    public var page: Int?
    /// The frame the stale entry reached.
    public var frame: Int?
    /// The operation whose PTE change the entry outlived.
    public var revocation: Revocation?
    /// The step (1-based) at which it happened.
    public var step: Int
}

/// A violation shared by reference between copies of a ``World``.
@usableFromInline final class ViolationRecord: Sendable {
    let violation: Violation

    init(_ violation: Violation) {
        self.violation = violation
    }
}
