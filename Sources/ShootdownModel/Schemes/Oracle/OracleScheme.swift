/// The lower bounds no flush-tracking scheme can beat, for the simulator (`shootdown compare`):
///
/// - `oracle-hw`: hardware that removes exactly the stale entries, on every CPU, at no cost,
///   at the last moment the kernel allows them to live: when the operation that made them
///   stale reaches its coherence point (it returns, the page is copied or the frame freed). No
///   generation, no IPI, no flush.
/// - `oracle-sw`: software that knows which CPUs hold stale entries: a flush interrupts only
///   those running the mm (not lazy) and invalidates exactly their stale entries; every other
///   CPU drops its stale entries of the mm, and only those, when it next switches to it.
///
/// Both read the safety oracle's marks on TLB entries, which no real kernel can.
public struct OracleScheme: Scheme {
    /// Which bound.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        case hardware = "oracle-hw"
        case software = "oracle-sw"
    }

    public var kind: Kind

    public init(_ kind: Kind) { self.kind = kind }

    public var name: String { kind.rawValue }

    /// `oracle-sw` interrupts a CPU only if it runs the mm and holds a stale entry of it: the
    /// flush path decides that from the marks; lazy CPUs catch up when they switch back, unless
    /// page tables were freed (a lazy CPU may walk them: the flush path asks whether it caches one).
    public func sendsIPI(targetIsLazy: Bool, freedTables: Bool) -> Bool { freedTables || !targetIsLazy }

    public func isAlreadyCovered(newTLBGen: UInt64, localTLBGen: UInt64) -> Bool { false }

    public func flushKind(_ info: FlushTLBInfo, localTLBGen: UInt64, mmTLBGen: UInt64) -> FlushKind { .ranged }

    /// A TLB is never stale but for the entries the oracle scheme removes itself.
    public func lazyReturnIsCurrent(localTLBGen: UInt64, mmTLBGen: UInt64) -> Bool { true }

    public func asidNeedsFlush(localTLBGen: UInt64, mmTLBGen: UInt64) -> Bool { false }

    /// `oracle-sw` flushes where Linux does, so a gather that found the PTEs already cleared by
    /// another must still flush (`mm_tlb_flush_nested()`), and a PTE change must first wait
    /// for reclaim's batched flush; `oracle-hw` has nothing to wait for.
    public var flushesWhenNested: Bool { kind == .software }
    public func flushesBatchedPending(_ batched: TLBFlushBatched) -> Bool {
        kind == .software && batched.isOutstanding
    }
    public func bumpsDeferredGeneration(mmTLBGen: UInt64, deferGen: UInt64) -> Bool { false }

    /// `oracle-hw` leaves no stale entry to flush; `oracle-sw` flushes at the same points as
    /// Linux, so migration must ask as Linux does.
    public func protNoneMayBeCached(flushPending: Bool, vmaDeferTLBGen: UInt64, completed: UInt64) -> Bool {
        kind == .software && flushPending
    }
}

extension OracleScheme: CatalogScheme {
    public static let listing = [
        SchemeListing(
            "oracle-hw", "lower bound: hardware drops exactly the stale entries when they come due, at no cost"),
        SchemeListing(
            "oracle-sw", "lower bound: software that knows which CPUs hold stale entries and flushes only those"),
    ]

    /// `oracle-hw` or `oracle-sw`, with neither parameters nor mutants.
    public init(catalogName name: SchemeName) throws(SchemeError) {
        guard let kind = Kind(rawValue: name.base) else { throw SchemeError.unknownScheme(name.full) }
        try name.requirePlain()
        self.init(kind)
    }
}
