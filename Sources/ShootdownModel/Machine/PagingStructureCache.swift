/// A CPU's paging-structure caches (Intel SDM §4.10.3): cached upper-level entries, here the
/// PMD entries that point at page-table (PTE) pages, tagged with the PCID like TLB entries.
///
/// The hardware may fill them from the current page tables at any time, speculatively too,
/// while a PCID is loaded: in user mode, in the kernel, and on a lazy CPU that runs a kernel
/// thread on an mm it left loaded. The model takes that worst case as the rule: a loaded PCID
/// caches every page table hooked into the loaded mm, so only what can matter is stored, per
/// (tag, mm):
/// - `cached`: for a PCID not loaded, the tables it cached when it was last left (still hooked);
/// - `unhooked`: tables `free_pgtables()` unhooked since the PCID cached them, not freed yet;
/// - `freed`: tables freed since (the page may hold anything now).
///
/// A walk through an entry of a freed table reads a reused page as a page table: the hazard
/// `freed_tables` exists for. A CR3 write with a flush, `INVLPG` (every paging-structure entry
/// of the current PCID, whatever the address) and a full flush drop the loaded tag's lines; a
/// PCID not loaded keeps its lines until it is loaded again. Only page tables a scenario can
/// free are tracked (``Scenario/freeablePageTables``), one bit each, so that scenarios that free
/// none keep their states.
public struct PagingStructureCache: Hashable, Sendable {
    /// What one tag caches of one address space's page tables, a bit per table.
    public struct Line: Hashable, Sendable {
        /// The hardware tag (PCID slot; 0 without PCID).
        public var tag: UInt8
        /// Ghost: the address space whose page tables filled the entries.
        public var mm: UInt8
        /// Hooked tables the tag cached when it was last left (not kept while it is loaded).
        public var cached: UInt64
        /// Cached tables unhooked since, not freed yet.
        public var unhooked: UInt64
        /// Cached tables freed since.
        public var freed: UInt64
    }

    /// The lines, at most one per (tag, mm), sorted by (tag, mm) so that equal contents hash
    /// equal.
    public private(set) var lines: [Line] = []

    /// An empty cache.
    public init() {}

    /// Whether nothing is cached that could matter.
    public var isEmpty: Bool { lines.isEmpty }

    /// Leaving `tag` loaded with `mm`: it keeps the `hooked` tables cached (and what it held of
    /// unhooked or freed tables).
    public mutating func leave(tag: Int, mm: Int, hooked: UInt64) {
        guard hooked != 0 || lines.contains(where: { Int($0.tag) == tag && Int($0.mm) == mm }) else { return }
        update(tag: tag, mm: mm) { $0.cached = hooked }
    }

    /// `tag` is loaded (a CR3 write without a flush): from now on it caches every hooked table
    /// of its mm, so what it kept of them need not be stored.
    public mutating func load(tag: Int) {
        guard !lines.isEmpty else { return }
        for i in lines.indices where Int(lines[i].tag) == tag { lines[i].cached = 0 }
        lines.removeAll { $0.cached | $0.unhooked | $0.freed == 0 }
    }

    /// Drops every line of every tag from `firstTag` up (INVLPGB of all non-global translations:
    /// `firstTag` 0).
    /// - Returns: whether a dropped line pointed at an unhooked or freed table.
    public mutating func flushAll(fromTag firstTag: Int = 0) -> Bool {
        let dropped = lines.filter { Int($0.tag) >= firstTag }
        lines.removeAll { Int($0.tag) >= firstTag }
        return dropped.contains { $0.unhooked | $0.freed != 0 }
    }

    /// Drops every line of `tag` (a CR3 write with a flush, `INVLPG`, a full flush).
    /// - Returns: whether a dropped line pointed at an unhooked or freed table.
    @discardableResult
    public mutating func flush(tag: Int) -> Bool {
        guard !lines.isEmpty else { return false }
        var dangling = false
        lines.removeAll { line in
            guard Int(line.tag) == tag else { return false }
            dangling = dangling || line.unhooked | line.freed != 0
            return true
        }
        return dangling
    }

    /// `free_pgtables()` unhooked `tables` of `mm`: the loaded tag (`loadedTag`, when `mm` is the
    /// loaded mm) cached them all; another tag those it cached.
    public mutating func unhook(mm: Int, tables: UInt64, loadedTag: Int?) {
        for i in lines.indices where Int(lines[i].mm) == mm {
            let had = Int(lines[i].tag) == loadedTag ? tables : lines[i].cached & tables
            lines[i].cached &= ~tables
            lines[i].unhooked |= had
        }
        if let loadedTag, !lines.contains(where: { Int($0.tag) == loadedTag && Int($0.mm) == mm }) {
            insert(Line(tag: UInt8(loadedTag), mm: UInt8(mm), cached: 0, unhooked: tables, freed: 0))
        }
    }

    /// The unhooked `tables` of `mm` were freed.
    public mutating func free(mm: Int, tables: UInt64) {
        for i in lines.indices where Int(lines[i].mm) == mm {
            lines[i].freed |= lines[i].unhooked & tables
            lines[i].unhooked &= ~tables
        }
    }

    /// The first freed table a walk under `tag` could go through, with its address space.
    public func freedTable(tag: Int) -> (mm: Int, table: Int)? {
        for line in lines where Int(line.tag) == tag && line.freed != 0 {
            return (Int(line.mm), line.freed.trailingZeroBitCount)
        }
        return nil
    }

    /// Whether `tag` caches an entry of an unhooked or freed table (what `oracle-sw` flushes).
    public func holdsDangling(tag: Int) -> Bool {
        lines.contains { Int($0.tag) == tag && $0.unhooked | $0.freed != 0 }
    }

    /// Forgets the entries of freed tables (what `oracle-hw` does when a table is freed).
    public mutating func dropFreed() {
        for i in lines.indices { lines[i].freed = 0 }
        lines.removeAll { $0.cached | $0.unhooked | $0.freed == 0 }
    }

    private mutating func update(tag: Int, mm: Int, _ change: (inout Line) -> Void) {
        if let i = lines.firstIndex(where: { Int($0.tag) == tag && Int($0.mm) == mm }) {
            change(&lines[i])
        } else {
            var line = Line(tag: UInt8(tag), mm: UInt8(mm), cached: 0, unhooked: 0, freed: 0)
            change(&line)
            insert(line)
        }
    }

    private mutating func insert(_ line: Line) {
        let at = lines.firstIndex { ($0.tag, $0.mm) > (line.tag, line.mm) } ?? lines.count
        lines.insert(line, at: at)
    }
}
