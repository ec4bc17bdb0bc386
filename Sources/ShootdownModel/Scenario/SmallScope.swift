/// The smallest scope, enumerated exhaustively in a canonical order (Alloy's small-scope
/// hypothesis: most bugs show in a small instance, so check every small instance first).
///
/// Every scenario of the scope: two CPUs, one address space of two pages in two page tables,
/// both mapped writable and populated, and one user thread on each CPU running one or two
/// operations out of 22: `read`/`write` of either page, `munmap`, `madvise`, `mprotect ... read`
/// and `numa-hint` of page 0, page 1 or both, `migrate` and `reclaim` of either page, `sleep`
/// and `yield`. Scenarios equal up to renaming are listed once: swapping the two threads with
/// their CPUs, or the two pages, gives the same scenario, so only the least of each class (in
/// the order of the scripts' indices) is kept.
public struct SmallScope: Sendable {
    /// The operations a script is made of, in their canonical order.
    static let operations: [Operation] = {
        let ranges = [PageRange(0, 1), PageRange(1, 2), PageRange(0, 2)]
        var ops: [Operation] = []
        for page in 0..<2 { ops += [.access(page: page, write: false), .access(page: page, write: true)] }
        for range in ranges {
            ops += [.munmap(range), .madviseDontNeed(range), .mprotect(range, .read), .numaHint(range)]
        }
        for page in 0..<2 { ops += [.migrate(page: page), .reclaim(page: page)] }
        return ops + [.sleep, .yield]
    }()

    /// Every script of one or two operations, in canonical order.
    static let scripts: [[Operation]] =
        operations.map { [$0] } + operations.flatMap { first in operations.map { [first, $0] } }

    /// The scenarios of the scope, as pairs of script indices, one per class of renamings.
    let pairs: [(Int, Int)]

    public init() {
        let index = Dictionary(uniqueKeysWithValues: Self.scripts.enumerated().map { ($1, $0) })
        let swapped = Self.scripts.map { index[$0.map(Self.swappingPages)]! }
        var pairs: [(Int, Int)] = []
        for a in Self.scripts.indices {
            for b in a..<Self.scripts.count {
                // The same scenario with the pages swapped; the threads are then put in order.
                let (c, d) = (min(swapped[a], swapped[b]), max(swapped[a], swapped[b]))
                if (a, b) <= (c, d) { pairs.append((a, b)) }
            }
        }
        self.pairs = pairs
    }

    /// How many scenarios the scope has, up to renaming.
    public var count: Int { pairs.count }

    /// The `n`-th scenario of the scope (`0 ..< count`), named `small-N`.
    public func scenario(_ n: Int) -> Scenario {
        let (a, b) = pairs[n]
        var scenario = Scenario(
            name: "small-\(n)", summary: "The smallest scope's scenario \(n).", cpuCount: 2, pagesPerAddressSpace: 2,
            frameCount: 4,
            addressSpaces: [
                .init(name: "A", mappings: [.init(range: PageRange(0, 2), protection: .write, isPopulated: true)])
            ],
            threads: [
                .init(name: "t0", mm: 0, cpu: 0, script: Self.scripts[a]),
                .init(name: "t1", mm: 0, cpu: 1, script: Self.scripts[b]),
            ],
            events: [])
        scenario.ptesPerTable = 1
        return scenario
    }

    /// `op` with pages 0 and 1 swapped.
    public static func swappingPages(_ op: Operation) -> Operation {
        func page(_ p: Int) -> Int { 1 - p }
        func range(_ r: PageRange) -> PageRange { r.count == 2 ? r : PageRange(page(r.start), page(r.start) + 1) }
        switch op {
        case .access(let p, let write): return .access(page: page(p), write: write)
        case .munmap(let r): return .munmap(range(r))
        case .madviseDontNeed(let r): return .madviseDontNeed(range(r))
        case .mprotect(let r, let prot): return .mprotect(range(r), prot)
        case .numaHint(let r): return .numaHint(range(r))
        case .collapse(let r): return .collapse(range(r))
        case .migrate(let p, let synchronous): return .migrate(page: page(p), synchronous: synchronous)
        case .reclaim(let p): return .reclaim(page: page(p))
        case .mremap(let r, let to): return .mremap(range(r), to: page(to))
        default: return op
        }
    }
}
