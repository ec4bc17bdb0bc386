/// Transparent huge pages in a scenario (`map RANGE PROT huge`): which ranges may be mapped by
/// huge PMDs, and what a scenario may not yet do with them (docs/huge-pages.md).
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

    /// The first huge mapping the model cannot run, as (address space, mapping, what is wrong):
    /// one not made of whole, aligned page-table ranges among the first
    /// ``maxFreeablePageTables``, or one a thread migrates, reclaims, mremaps or maps over, or
    /// forks (the model splits huge PMDs only on the paths of munmap, madvise, mprotect and
    /// NUMA hinting so far).
    var hugeMappingProblem: (mm: Int, mapping: Int, problem: String)? {
        let table = ptesPerTable
        for (mm, spec) in addressSpaces.enumerated() {
            for (index, mapping) in spec.mappings.enumerated() where mapping.isHuge {
                let range = mapping.range
                if table < 2 {
                    return (mm, index, "ptes-per-table of 2 or more (a huge page spans a page table)")
                }
                if range.start % table != 0 || range.count % table != 0 {
                    return (mm, index, "a range of whole page tables, aligned to ptes-per-table \(table)")
                }
                if (range.end - 1) / table >= Self.maxFreeablePageTables {
                    return (mm, index, "a range within the first \(Self.maxFreeablePageTables) page tables")
                }
                for thread in threads where thread.mm == mm {
                    if let op = thread.script.first(where: { Self.touchesUnmodelled($0, range) }) {
                        return (
                            mm, index,
                            "no `\(ScenarioFormat.format(op, in: self))` in its address space (not modelled on huge pages yet: docs/huge-pages.md)"
                        )
                    }
                }
            }
        }
        return nil
    }

    /// Whether `op` migrates, reclaims, mremaps or maps over a page of huge mapping `range`, or
    /// forks its address space.
    static func touchesUnmodelled(_ op: Operation, _ range: PageRange) -> Bool {
        func overlaps(_ other: PageRange) -> Bool { other.start < range.end && range.start < other.end }
        switch op {
        case .migrate(let page, _), .reclaim(let page): return range.contains(page)
        case .mmap(let other, _): return overlaps(other)
        case .mremap(let from, let to): return overlaps(from) || overlaps(PageRange(to, to + from.count))
        case .fork: return true
        default: return false
        }
    }
}
