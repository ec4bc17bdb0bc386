/// One cached translation, tagged with its ASID (PCID) as the hardware tags it.
///
/// `mm` and the revocation marks are ghost fields: the hardware has no such bits; the safety
/// safety oracle uses them to decide whether using this entry is a violation. Stored in narrow integers
/// (the checker copies TLBs on every transition).
public struct TLBEntry: Hashable, Sendable {
    private var _frame: UInt32
    private var _page: UInt16
    private var _hugePages: UInt16 = 0
    private var _asid: UInt8
    private var _mm: UInt8
    /// Whether it permits writes.
    public var isWritable: Bool
    /// Ghost: the translation was removed (munmap, madvise, PROT_NONE) after this fill.
    public var unmapped: Revocation?
    /// Ghost: write permission was removed after this fill.
    public var writeRevoked: Revocation?
    /// When the entry was last filled or used, in the TLB's ticks (0 in an unbounded TLB,
    /// which keeps no recency).
    public internal(set) var lastUse: UInt32 = 0

    /// A translation of `page` to `frame` under `asid`, filled from `mm`'s page table; a piece
    /// of a huge page's entry of `hugePages` pages if that is not 0.
    public init(asid: Int, page: Int, frame: Int, isWritable: Bool, mm: Int, hugePages: Int = 0) {
        _asid = UInt8(asid)
        _page = UInt16(page)
        _hugePages = UInt16(hugePages)
        _frame = UInt32(frame)
        _mm = UInt8(mm)
        self.isWritable = isWritable
    }

    /// The ASID slot (PCID - 1) the entry was filled under: the tag the hardware keeps, always
    /// 0 on a machine without PCID.
    public internal(set) var asid: Int {
        get { Int(_asid) }
        set { _asid = UInt8(newValue) }
    }
    /// The virtual page.
    public var page: Int { Int(_page) }
    /// The physical frame it translates to.
    public var frame: Int { Int(_frame) }
    /// Ghost: the address space whose page table filled it.
    public var mm: Int { Int(_mm) }
    /// 0 for a 4 KiB translation; for a piece of a PMD-level (huge page) translation, the pages
    /// that one entry covers (``AddressSpace/ptesPerTable``). The TLB keeps such an entry as a
    /// group of entries, one a page of the aligned range, filled and dropped together.
    public var hugePages: Int { Int(_hugePages) }
    /// The pages the hardware entry this one belongs to translates.
    public var covered: Range<Int> {
        guard hugePages > 0 else { return page..<page + 1 }
        let first = page - page % hugePages
        return first..<first + hugePages
    }

    /// The TLB's sort key: (ASID, page) in one word.
    var key: UInt32 { Self.key(asid: Int(_asid), page: Int(_page)) }

    static func key(asid: Int, page: Int) -> UInt32 {
        UInt32(truncatingIfNeeded: asid) << 16 | UInt32(truncatingIfNeeded: page)
    }
}

/// Ghost: a PTE change that removed or reduced a translation some TLB may still hold.
public struct Revocation: Hashable, Sendable {
    /// Threads (a bit each) whose current operation found this revocation open when it took
    /// the page's PTL, or opened it: when that operation returns, the revocation is due.
    public var coveredBy: ThreadSet
    private var _op: UInt16
    private var _thread: UInt8
    /// The operation reached its coherence point: from now on, using the entry is a violation.
    public var isDue: Bool

    public init(thread: Int, op: Int, coveredBy: ThreadSet, isDue: Bool) {
        _thread = UInt8(thread)
        _op = UInt16(op)
        self.coveredBy = coveredBy
        self.isDue = isDue
    }

    /// The thread whose operation changed the PTE.
    public var thread: Int { Int(_thread) }
    /// The index of that operation in the thread's script.
    public var op: Int { Int(_op) }
}

/// A CPU's TLB: entries of any ASID, kept sorted by (ASID, page) so equal contents hash equal.
///
/// The checker's TLB is unbounded (`capacity` 0): only flushes drop entries. The simulator's
/// holds `capacity` entries with least-recently-used replacement, the `l1Capacity` most
/// recently used of which count as first-level hits (a second level inclusive of the first,
/// as a reuse distance approximates it).
public struct TLB: Hashable, Sendable {
    /// The cached translations.
    public private(set) var entries: [TLBEntry] = []
    /// Entries held at most; 0 for no limit.
    public let capacity: Int
    /// Entries of the first level.
    public let l1Capacity: Int
    /// Whether the hardware tags entries with the PCID in CR3 (`X86_FEATURE_PCID`, `CR4.PCIDE`).
    /// Without PCID the tag is always 0 whatever ASID the kernel thinks it loaded: every
    /// operation below acts on tag 0, so entries of every address space share it.
    public let tagsASIDs: Bool
    /// Fills and uses so far (bounded TLBs only).
    private var tick: UInt32 = 0
    /// Entries that are pieces of a huge page's entry (bounded TLBs only): a group takes one
    /// entry of the capacity, as the hardware's one PMD-level entry does, and is evicted whole.
    private var hugeMembers: UInt32 = 0

    /// The most entries a level may have (its recency ticks are 32-bit).
    public static let maxCapacity = 1 << 20

    /// An empty TLB of `capacity` entries (0: unbounded), `l1Capacity` of them first-level;
    /// each at most ``maxCapacity``; tagged with PCIDs unless `tagsASIDs` is false.
    public init(capacity: Int = 0, l1Capacity: Int = 0, tagsASIDs: Bool = true) {
        precondition(
            (0...Self.maxCapacity).contains(capacity) && (0...Self.maxCapacity).contains(l1Capacity),
            "TLB levels hold 0...\(Self.maxCapacity) entries")
        self.capacity = capacity
        self.l1Capacity = l1Capacity
        self.tagsASIDs = tagsASIDs
    }

    /// The same TLB on a machine with or without PCID.
    public func tagging(asids: Bool) -> TLB {
        TLB(capacity: capacity, l1Capacity: l1Capacity, tagsASIDs: asids)
    }

    /// The tag the hardware uses for the kernel's ASID slot `asid`.
    @inline(__always) func tag(_ asid: Int) -> Int { tagsASIDs ? asid : 0 }

    /// A hit on `page` under `asid` in a bounded TLB: marks the entry used and says whether the
    /// first level served it (fewer than `l1Capacity` uses since its last one). An unbounded
    /// TLB serves every hit from its first level.
    public mutating func use(asid: Int, page: Int) -> Bool {
        let (found, at) = index(asid: asid, page: page)
        return found ? use(at: at) : true
    }

    /// ``use(asid:page:)`` of the entry at `at` (found by ``index(asid:page:)``). A huge page's
    /// group keeps its recency in its first entry.
    mutating func use(at: Int) -> Bool {
        guard capacity > 0 else { return true }
        tick &+= 1
        let at = representative(of: at)
        let isFirstLevel = tick &- entries[at].lastUse <= UInt32(l1Capacity)
        entries[at].lastUse = tick
        return isFirstLevel
    }

    /// The entry that stands for the one at `at` in a bounded TLB's recency: itself, or its huge
    /// page's first entry when that is cached.
    private func representative(of at: Int) -> Int {
        let entry = entries[at]
        guard entry.hugePages > 0, entry.page != entry.covered.lowerBound else { return at }
        let first = index(asid: entry.asid, page: entry.covered.lowerBound)
        return first.found ? first.at : at
    }

    /// Whether the entry at `at` takes part in a bounded TLB's replacement: a 4 KiB entry, or the
    /// first cached entry of a huge page's group.
    private func isReplaceable(_ at: Int) -> Bool { representative(of: at) == at }

    /// The entry a full bounded TLB replaces: the least recently used of the replaceable ones.
    private func leastRecentlyUsed() -> Int? {
        var oldest: Int?
        for at in entries.indices where hugeMembers == 0 || isReplaceable(at) {
            if oldest.map({ entries[at].lastUse < entries[$0].lastUse }) ?? true { oldest = at }
        }
        return oldest
    }

    /// Entries a bounded TLB counts against its capacity: a huge page's group as one.
    private var occupancy: Int {
        guard hugeMembers > 0 else { return entries.count }
        let group = entries.first { $0.hugePages > 0 }?.hugePages ?? 1
        let members = Int(hugeMembers)
        return entries.count - members + (members + group - 1) / group
    }

    /// After entries went: the huge members count again (bounded TLBs that hold any).
    private mutating func didRemove() {
        if capacity > 0, hugeMembers > 0 { hugeMembers = UInt32(entries.count { $0.hugePages > 0 }) }
    }

    /// Where the entry of `page` in `asid` is, or would go: a binary search on the sort key,
    /// reading only the key of each probed entry (not the whole entry).
    func index(asid: Int, page: Int) -> (found: Bool, at: Int) {
        let key = TLBEntry.key(asid: tag(asid), page: page)
        return entries.withUnsafeBufferPointer { entries in
            var low = 0
            var high = entries.count
            while low < high {
                let mid = (low + high) >> 1
                if entries[mid].key < key { low = mid + 1 } else { high = mid }
            }
            return (low < entries.count && entries[low].key == key, low)
        }
    }

    /// The entry for `page` under `asid`, if cached.
    public func lookup(asid: Int, page: Int) -> TLBEntry? {
        let (found, at) = index(asid: asid, page: page)
        return found ? entries[at] : nil
    }

    /// Caches a translation, replacing any entry for the same page and ASID; in a full
    /// bounded TLB the least recently used entry makes room.
    /// - Returns: whether an entry was evicted.
    @discardableResult
    public mutating func fill(_ entry: TLBEntry) -> Bool {
        let (found, at) = index(asid: entry.asid, page: entry.page)
        if found {
            var entry = entry
            entry.asid = tag(entry.asid)
            if capacity > 0 {
                tick &+= 1
                entry.lastUse = tick
                hugeMembers = hugeMembers + (entry.hugePages > 0 ? 1 : 0) - (entries[at].hugePages > 0 ? 1 : 0)
            }
            entries[at] = entry
            return false
        }
        return insert(entry, at: at)
    }

    /// ``fill(_:)`` of an entry not cached, at its place `at` (found by ``index(asid:page:)``).
    /// - Returns: whether an entry was evicted.
    mutating func insert(_ entry: TLBEntry, at: Int) -> Bool {
        var entry = entry
        entry.asid = tag(entry.asid)
        var at = at
        if capacity > 0 {
            tick &+= 1
            entry.lastUse = tick
        }
        var evicted = false
        if capacity > 0, occupancy >= capacity, let victim = leastRecentlyUsed() {
            // A huge page's group goes whole; its entries are contiguous.
            var gone = victim..<victim + 1
            if entries[victim].hugePages > 0 {
                let covered = entries[victim].covered
                let asid = entries[victim].asid
                gone = index(asid: asid, page: covered.lowerBound).at..<index(asid: asid, page: covered.upperBound).at
            }
            entries.removeSubrange(gone)
            didRemove()
            if gone.lowerBound < at { at -= gone.count }
            evicted = true
        }
        if capacity > 0, entry.hugePages > 0 { hugeMembers += 1 }
        entries.insert(entry, at: at)
        return evicted
    }

    /// Drops the entry at `at`.
    mutating func remove(at: Int) {
        entries.remove(at: at)
        didRemove()
    }

    /// `INVLPG`: drops the entry of `page` in `asid` (a huge page's: the whole entry, every
    /// page of its group); returns whether one was cached.
    @discardableResult
    public mutating func invalidate(asid: Int, page: Int) -> Bool {
        let (found, at) = index(asid: asid, page: page)
        guard found else { return false }
        if entries[at].hugePages > 0 {
            invalidate(asid: asid, pages: entries[at].covered)
        } else {
            remove(at: at)
        }
        return true
    }

    /// `INVLPG` of every page of `pages` in `asid`: the entries are contiguous in the sorted
    /// order, so they go in one removal (one move of the entries after them, not one per page).
    /// A huge page's entry the range reaches into goes whole (its group widens the removal).
    public mutating func invalidate(asid: Int, pages: Range<Int>) {
        var lower = index(asid: asid, page: pages.lowerBound).at
        var upper = index(asid: asid, page: pages.upperBound).at
        guard lower < upper else { return }
        if entries[lower].hugePages > 0, entries[lower].covered.lowerBound < pages.lowerBound {
            lower = index(asid: asid, page: entries[lower].covered.lowerBound).at
        }
        if entries[upper - 1].hugePages > 0, entries[upper - 1].covered.upperBound > pages.upperBound {
            upper = index(asid: asid, page: entries[upper - 1].covered.upperBound).at
        }
        entries.removeSubrange(lower..<upper)
        didRemove()
    }

    /// `flush_tlb_func()`'s loop, `flush_tlb_one_user(addr); addr += 1UL << f->stride_shift;`:
    /// an `INVLPG` every `stride` pages of `pages` (all of them, in one removal, when `stride`
    /// is 1). Returns how many `INVLPG`s that is.
    @discardableResult
    public mutating func invalidate(asid: Int, pages: Range<Int>, stride: Int) -> Int {
        guard stride > 1 else {
            invalidate(asid: asid, pages: pages)
            return pages.count
        }
        var count = 0
        for page in Swift.stride(from: pages.lowerBound, to: pages.upperBound, by: stride) {
            invalidate(asid: asid, page: page)
            count += 1
        }
        return count
    }

    /// A CR3 write without `CR3_NOFLUSH`: drops every entry of `asid`; returns how many.
    @discardableResult
    public mutating func flush(asid: Int) -> Int {
        let before = entries.count
        let asid = tag(asid)
        entries.removeAll { $0.asid == asid }
        didRemove()
        return before - entries.count
    }

    /// Drops every entry of every tag from `firstTag` up (INVLPGB of all non-global
    /// translations: `firstTag` 0); returns how many.
    @discardableResult
    public mutating func flushAll(fromTag firstTag: Int = 0) -> Int {
        let before = entries.count
        entries.removeAll { $0.asid >= firstTag }
        didRemove()
        return before - entries.count
    }

    /// Drops every entry with a revocation that came due: what the `oracle-hw` bound does.
    mutating func removeDueEntries() {
        entries.removeAll { $0.unmapped?.isDue == true || $0.writeRevoked?.isDue == true }
        didRemove()
    }

    /// Drops the entries of `asid` that a PTE change made stale (their revocation marks), in
    /// `range` if given; returns how many: what the `oracle-sw` bound invalidates.
    mutating func removeStaleEntries(asid: Int, range: PageRange?) -> Int {
        let before = entries.count
        let asid = tag(asid)
        entries.removeAll { entry in
            entry.asid == asid && (entry.unmapped != nil || entry.writeRevoked != nil)
                && (range.map { $0.contains(entry.page) } ?? true)
        }
        didRemove()
        return before - entries.count
    }

    /// Whether an entry of `mm` in `range` (all pages if `nil`) is stale.
    func holdsStaleEntry(mm: Int, range: PageRange?) -> Bool {
        entries.contains { entry in
            entry.mm == mm && (entry.unmapped != nil || entry.writeRevoked != nil)
                && (range.map { $0.contains(entry.page) } ?? true)
        }
    }

    /// Applies `change` to every entry that translates to `frame` (ghost bookkeeping); returns
    /// how many there were.
    @discardableResult
    mutating func updateEntries(frame: Int, _ change: (inout TLBEntry) -> Void) -> Int {
        var found = 0
        for i in entries.indices where entries[i].frame == frame {
            change(&entries[i])
            found += 1
        }
        return found
    }

    /// Applies `change` to every entry of address space `mm` for a page of `pages` (ghost
    /// bookkeeping). A small TLB (the checker's) is scanned; a large one is searched in each
    /// ASID it holds (sorted, so its ASIDs run from the first entry's to the last's), and
    /// walked from the range's first page. Returns how many entries there were.
    @discardableResult
    mutating func updateEntries(mm: Int, pages: Range<Int>, _ change: (inout TLBEntry) -> Void) -> Int {
        var found = 0
        guard entries.count > 16 else {
            for i in entries.indices where entries[i].mm == mm && pages.contains(entries[i].page) {
                change(&entries[i])
                found += 1
            }
            return found
        }
        for asid in entries[0].asid...entries[entries.count - 1].asid {
            var at = index(asid: asid, page: pages.lowerBound).at
            while at < entries.count, entries[at].asid == asid, entries[at].page < pages.upperBound {
                if entries[at].mm == mm {
                    change(&entries[at])
                    found += 1
                }
                at += 1
            }
        }
        return found
    }
}
