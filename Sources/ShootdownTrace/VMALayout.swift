/// Which address ranges of a process hold VMAs, as far as a trace's `mmap` and `munmap` calls
/// tell, so that a munmap's `free_pgtables()` can be told apart: it frees a page table only
/// when no other VMA shares that table's 2 MiB (`free_pgd_range()`'s floor and ceiling, the
/// neighbouring VMAs' ends, rounded to `PMD_SIZE`).
struct VMALayout {
    /// The VMAs' ranges (bytes), sorted, not overlapping.
    private(set) var ranges: [Range<Int>] = []

    static let pmdSize = 2 << 20

    /// `mmap()` returned `start` for `length` bytes (replacing whatever was there, as `MAP_FIXED` does).
    mutating func map(start: Int, length: Int) {
        let range = start..<start + Self.pageAligned(length)
        unmap(range)
        ranges.insert(range, at: ranges.firstIndex { $0.lowerBound > start } ?? ranges.endIndex)
    }

    /// `munmap()` of `range`: the VMAs lose it (split where it falls inside one).
    mutating func unmap(_ range: Range<Int>) {
        var kept: [Range<Int>] = []
        for vma in ranges {
            guard vma.overlaps(range) else {
                kept.append(vma)
                continue
            }
            if vma.lowerBound < range.lowerBound { kept.append(vma.lowerBound..<range.lowerBound) }
            if vma.upperBound > range.upperBound { kept.append(range.upperBound..<vma.upperBound) }
        }
        ranges = kept
    }

    /// Whether unmapping `range` frees a page table: some 2 MiB range it overlaps lies between
    /// the VMA below it (floor) and the VMA above it (ceiling), as `free_pgd_range()` rounds them.
    func freesPageTable(unmapping range: Range<Int>) -> Bool {
        let floor = ranges.last { $0.upperBound <= range.lowerBound }?.upperBound ?? 0
        let ceiling = ranges.first { $0.lowerBound >= range.upperBound }?.lowerBound ?? Int.max
        // free_pgd_range(tlb, addr, end, floor, ceiling) at the PMD level:
        // addr &= PMD_MASK; if (addr < floor) addr += PMD_SIZE;
        var first = range.lowerBound / Self.pmdSize * Self.pmdSize
        if first < floor { first += Self.pmdSize }
        // if (ceiling) ceiling &= PMD_MASK; if (end - 1 > ceiling - 1) end -= PMD_SIZE;
        // if (addr > end - 1) return;
        let top = ceiling == Int.max ? Int.max : ceiling / Self.pmdSize * Self.pmdSize
        var end = range.upperBound
        if end - 1 > top - 1 { end -= Self.pmdSize }
        return first <= end - 1
    }

    static func pageAligned(_ length: Int) -> Int { (length + 4095) / 4096 * 4096 }
}
