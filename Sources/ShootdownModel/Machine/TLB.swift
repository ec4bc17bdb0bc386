/// One cached translation, tagged with its ASID (PCID) as the hardware tags it.
///
/// `mm` and the revocation marks are ghost fields: the hardware has no such bits; the safety
/// oracle uses them to decide whether using this entry is a violation.
public struct TLBEntry: Hashable, Sendable {
    /// The ASID slot (PCID - 1) the entry was filled under.
    public var asid: Int
    /// The virtual page.
    public var page: Int
    /// The physical frame it translates to.
    public var frame: Int
    /// Whether it permits writes.
    public var isWritable: Bool
    /// Ghost: the address space whose page table filled it.
    public var mm: Int
    /// Ghost: the translation was removed (munmap, madvise, PROT_NONE) after this fill.
    public var unmapped: Revocation?
    /// Ghost: write permission was removed after this fill.
    public var writeRevoked: Revocation?
}

/// Ghost: a PTE change that removed or reduced a translation some TLB may still hold.
public struct Revocation: Hashable, Sendable {
    /// The thread whose operation changed the PTE.
    public var thread: Int
    /// The index of that operation in the thread's script.
    public var op: Int
    /// Threads (a bit each) whose current operation found this revocation open when it took
    /// the page's PTL, or opened it: when that operation returns, the revocation is due.
    public var coveredBy: UInt64
    /// The operation reached its coherence point: from now on, using the entry is a violation.
    public var isDue: Bool
}

/// A CPU's TLB: entries of any ASID, kept sorted by (ASID, page) so equal contents hash equal.
public struct TLB: Hashable, Sendable {
    /// The cached translations.
    public private(set) var entries: [TLBEntry] = []

    /// An empty TLB.
    public init() {}

    private func index(asid: Int, page: Int) -> (found: Bool, at: Int) {
        var low = 0
        var high = entries.count
        while low < high {
            let mid = (low + high) / 2
            let e = entries[mid]
            if (e.asid, e.page) < (asid, page) { low = mid + 1 } else { high = mid }
        }
        let found = low < entries.count && entries[low].asid == asid && entries[low].page == page
        return (found, low)
    }

    /// The entry for `page` under `asid`, if cached.
    public func lookup(asid: Int, page: Int) -> TLBEntry? {
        let (found, at) = index(asid: asid, page: page)
        return found ? entries[at] : nil
    }

    /// Caches a translation, replacing any entry for the same page and ASID.
    public mutating func fill(_ entry: TLBEntry) {
        let (found, at) = index(asid: entry.asid, page: entry.page)
        if found { entries[at] = entry } else { entries.insert(entry, at: at) }
    }

    /// `INVLPG`: drops the entry of `page` in `asid`; returns whether one was cached.
    @discardableResult
    public mutating func invalidate(asid: Int, page: Int) -> Bool {
        let (found, at) = index(asid: asid, page: page)
        if found { entries.remove(at: at) }
        return found
    }

    /// A CR3 write without `CR3_NOFLUSH`: drops every entry of `asid`; returns how many.
    @discardableResult
    public mutating func flush(asid: Int) -> Int {
        let before = entries.count
        entries.removeAll { $0.asid == asid }
        return before - entries.count
    }

    /// Applies `change` to every entry that translates to `frame` (ghost bookkeeping).
    mutating func updateEntries(frame: Int, _ change: (inout TLBEntry) -> Void) {
        for i in entries.indices where entries[i].frame == frame {
            change(&entries[i])
        }
    }

    /// Applies `change` to every entry of address space `mm` for `page` (ghost bookkeeping).
    mutating func updateEntries(mm: Int, page: Int, _ change: (inout TLBEntry) -> Void) {
        for i in entries.indices where entries[i].mm == mm && entries[i].page == page {
            change(&entries[i])
        }
    }
}
