/// Ghost, for large machines: which CPUs may hold a TLB entry of each page of each address
/// space, and of each frame. Each set is a superset, grown by every fill and tightened when a
/// look into a CPU's TLB finds nothing, so that the safety oracle's ghost bookkeeping (opening,
/// covering and completing revocations, freeing frames) visits only those CPUs' TLBs instead of
/// every CPU's. It finds the same entries a visit of every TLB would: the timed simulation uses
/// it, and `SimulationRunTests` compare its runs with runs that visit every TLB.
struct GhostIndex: Sendable {
    /// The most sets an index keeps (32 bytes each); a machine needing more visits every TLB.
    static let maxSets = 1 << 20

    private let pagesPerAddressSpace: Int
    private var pages: [CPUMask]
    private var frames: [CPUMask]

    /// An empty index for `addressSpaces` of `pagesPerAddressSpace` pages and `frames` frames,
    /// or `nil` when it would exceed ``maxSets``.
    init?(addressSpaces: Int, pagesPerAddressSpace: Int, frames: Int) {
        guard addressSpaces * pagesPerAddressSpace + frames <= Self.maxSets else { return nil }
        self.pagesPerAddressSpace = pagesPerAddressSpace
        pages = Array(repeating: .empty, count: addressSpaces * pagesPerAddressSpace)
        self.frames = Array(repeating: .empty, count: frames)
    }

    /// `cpu` filled an entry of `page` of `mm` translating to `frame`.
    mutating func noteFill(cpu: Int, mm: Int, page: Int, frame: Int) {
        pages[mm * pagesPerAddressSpace + page].insert(cpu)
        frames[frame].insert(cpu)
    }

    /// The CPUs that may hold an entry of a page of `range` of `mm`.
    func cpus(mm: Int, pages range: Range<Int>) -> CPUMask {
        var cpus = CPUMask.empty
        for page in range { cpus.formUnion(pages[mm * pagesPerAddressSpace + page]) }
        return cpus
    }

    /// The CPUs that may hold an entry translating to `frame`.
    func cpus(frame: Int) -> CPUMask { frames[frame] }

    /// `cpu` holds no entry of a page of `range` of `mm`.
    mutating func forget(cpu: Int, mm: Int, pages range: Range<Int>) {
        for page in range { pages[mm * pagesPerAddressSpace + page].remove(cpu) }
    }

    /// `cpu` holds no entry translating to `frame`.
    mutating func forget(cpu: Int, frame: Int) { frames[frame].remove(cpu) }
}
