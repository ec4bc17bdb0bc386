/// Which page-table pages a scenario can free: the only ones whose paging-structure-cache
/// entries the model tracks (``PagingStructureCache``).
extension Scenario {
    /// The most page-table pages of one address space a scenario may be able to free (one bit
    /// each in a ``PagingStructureCache`` line).
    public static let maxFreeablePageTables = 64

    /// Per address space, a bit per page-table page some run of the scenario may free: a
    /// table some VMA covers at some point (a `map`, an `mmap`, an mremap's destination, or the
    /// parent's VMAs copied by `fork`) all of whose ever-mapped pages lie in ranges the threads
    /// of that address space unmap (`munmap`, an mremap's source). `free_pgtables()` frees a
    /// table only when no VMA is left in it, so no other table can be freed; the analysis may
    /// name tables no run frees (the unmaps may not all happen), never miss one. A table a
    /// `collapse` takes is freeable too: deposited under the huge PMD, `zap_huge_pmd()` frees it.
    public var freeablePageTables: [UInt64] {
        freeableTables().map { tables in
            tables.reduce(0) { $1 < Self.maxFreeablePageTables ? $0 | 1 << UInt64($1) : $0 }
        }
    }

    /// A page-table page past ``maxFreeablePageTables`` some run could free, as (address space,
    /// table): the parser refuses such a scenario (its paging-structure caches cannot be tracked).
    var untrackablePageTable: (mm: Int, table: Int)? {
        for (mm, tables) in freeableTables().enumerated() {
            if let table = tables.first(where: { $0 >= Self.maxFreeablePageTables }) { return (mm, table) }
        }
        return nil
    }

    /// ``freeablePageTables`` as table indices, without the limit.
    private func freeableTables() -> [[Int]] {
        let pages = pagesPerAddressSpace
        var mapped = addressSpaces.map { spec in
            var bits = [Bool](repeating: false, count: pages)
            for mapping in spec.mappings { for page in mapping.range.start..<mapping.range.end { bits[page] = true } }
            return bits
        }
        var unmapped = [[Bool]](repeating: [Bool](repeating: false, count: pages), count: addressSpaces.count)
        var forks: [(parent: Int, child: Int)] = []
        var collapsed = [Set<Int>](repeating: [], count: addressSpaces.count)
        for thread in threads {
            guard let mm = thread.worksOn else { continue }
            for op in thread.script {
                switch op {
                case .mmap(let range, _):
                    for page in range.start..<range.end { mapped[mm][page] = true }
                case .munmap(let range):
                    for page in range.start..<range.end { unmapped[mm][page] = true }
                case .mremap(let range, let to):
                    for page in range.start..<range.end { unmapped[mm][page] = true }
                    for page in to..<min(pages, to + range.count) { mapped[mm][page] = true }
                case .fork(let child):
                    forks.append((mm, child))
                case .collapse(let range):
                    collapsed[mm].insert(range.start / ptesPerTable)
                default:
                    break
                }
            }
        }
        // A child maps what its parent ever maps (fork chains: until nothing changes).
        var changed = !forks.isEmpty
        while changed {
            changed = false
            for (parent, child) in forks {
                for page in 0..<pages where mapped[parent][page] && !mapped[child][page] {
                    mapped[child][page] = true
                    changed = true
                }
            }
        }
        let tableCount = (pages + ptesPerTable - 1) / ptesPerTable
        return addressSpaces.indices.map { mm in
            (0..<tableCount).filter { table in
                let range = table * ptesPerTable..<min((table + 1) * ptesPerTable, pages)
                let everMapped = range.filter { mapped[mm][$0] }
                return collapsed[mm].contains(table)
                    || !everMapped.isEmpty && everMapped.allSatisfy { unmapped[mm][$0] }
            }
        }
    }
}
