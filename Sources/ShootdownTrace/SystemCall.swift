/// A task's open munmap, madvise or mprotect, from its `sys_enter` event.
struct SystemCall {
    /// The first address and the length, in bytes.
    var start: Int
    var length: Int
    var isMunmap: Bool
    var isMprotect: Bool
    /// For a munmap in a known ``VMALayout``: whether `free_pgtables()` frees a page table.
    var freesPageTable: Bool?

    /// The length in pages.
    var pages: Int { (length + 4095) / 4096 }

    /// Whether a munmap frees a page table: from the VMA layout where the trace saw it, else
    /// when the range covers an aligned 2 MiB.
    var freesTables: Bool {
        guard isMunmap else { return false }
        if let freesPageTable { return freesPageTable }
        let table = VMALayout.pmdSize
        let firstTable = (start + table - 1) / table * table
        return firstTable + table <= start + length
    }
}
