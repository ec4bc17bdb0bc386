/// Transparent huge pages in a scenario (`map RANGE PROT huge`, `collapse RANGE`): which ranges
/// may be mapped by huge PMDs, and which the model cannot take (docs/huge-pages.md).
extension Scenario {
    /// Per address space, a bit per page-table-sized range a huge VMA covers at the start
    /// (``AddressSpace/thpTables``).
    public var hugePageTables: [UInt64] {
        addressSpaces.map { spec in
            spec.mappings.filter(\.isHuge).reduce(0) { bits, mapping in
                stride(from: mapping.range.start, to: mapping.range.end, by: ptesPerTable).reduce(bits) {
                    $0 | 1 << UInt64($1 / ptesPerTable)
                }
            }
        }
    }

    /// Per address space, the ranges a huge PMD may map in some run: its huge mappings and the
    /// ranges its threads collapse.
    public var hugeRanges: [[PageRange]] {
        addressSpaces.indices.map { mm in
            addressSpaces[mm].mappings.filter(\.isHuge).map(\.range)
                + threads.filter { $0.worksOn == mm }.flatMap { thread in
                    thread.script.compactMap { op -> PageRange? in
                        if case .collapse(let range) = op { return range }
                        return nil
                    }
                }
        }
    }

    /// The first huge range the model cannot run, as (address space, the range, whether a
    /// `collapse` names it, what is wrong): one not made of whole, aligned page-table ranges
    /// among the first ``maxFreeablePageTables`` (a collapse: exactly one table's range).
    var hugeRangeProblem: (mm: Int, range: PageRange, isCollapse: Bool, problem: String)? {
        let table = ptesPerTable
        for (mm, ranges) in hugeRanges.enumerated() {
            let mappings = addressSpaces[mm].mappings.filter(\.isHuge).count
            for (index, range) in ranges.enumerated() {
                let isCollapse = index >= mappings
                if table < 2 {
                    return (mm, range, isCollapse, "ptes-per-table of 2 or more (a huge page spans a page table)")
                }
                if range.start % table != 0 || range.count % table != 0 || (isCollapse && range.count != table) {
                    let what = isCollapse ? "one page table's range" : "a range of whole page tables"
                    return (mm, range, isCollapse, "\(what), aligned to ptes-per-table \(table)")
                }
                if (range.end - 1) / table >= Self.maxFreeablePageTables {
                    return (mm, range, isCollapse, "a range within the first \(Self.maxFreeablePageTables) page tables")
                }
            }
        }
        return nil
    }
}
