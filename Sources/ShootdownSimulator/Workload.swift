import ShootdownModel

/// A standard workload: a generator of a scenario (threads with scripts) named after the
/// benchmark it imitates, with its parameters. The scenario is rendered in the scenario format
/// (``scenarioText``), so any workload can be saved, read and run like a hand-written one.
public struct Workload: Hashable, Sendable {
    /// The generators.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// will-it-scale `tlb_flush1` (processes): every CPU runs its own process, which writes
        /// its pages and zaps them with madvise(MADV_DONTNEED). No flush leaves its CPU.
        case tlbFlush1 = "tlb-flush1"
        /// will-it-scale `tlb_flush2` (threads): the same in threads of one process, so every
        /// zap is a shootdown to every CPU running it.
        case tlbFlush2 = "tlb-flush2"
        /// Our variant of the above whose zaps exceed the 33-page ceiling (64 pages): every
        /// flush is a full flush.
        case tlbFlush3 = "tlb-flush3"
        /// LATR's `mmap_micro`: reference threads touch the pages of a fresh mapping, then the
        /// initiator munmaps it (page tables freed: idle CPUs are interrupted too).
        case munmapMicro = "munmap-micro"
        /// Threads read a shared range while one of them write-protects it and back.
        case mprotectThreaded = "mprotect-threaded"
        /// Automatic NUMA balancing: cpu0's `task_numa_work()` makes the threads' pages PROT_NONE
        /// (deferred flush), their next touches take hinting faults, and each thread migrates
        /// one of its pages a round.
        case numaBalancing = "numa-balancing"
        /// A mix per thread and round, drawn from the seed: writes and reads, a zap of its pages,
        /// a write-protect and back, a migration, a NUMA hint.
        case mixed
        /// fork() and copy on write: each round cpu0 forks a new child process (its thread on
        /// the last CPU writes the shared pages, copying them), and the parent's threads write
        /// theirs, each first write a copy-on-write fault whose `ptep_clear_flush()` interrupts
        /// the parent's other CPUs.
        case forkCow = "fork-cow"
        /// Threads that move their buffers with mremap (glibc's realloc of a large block): each
        /// round a thread writes its pages, moves them to a free range and back, writing them
        /// at each place; every move flushes the old range before the page-table locks drop
        /// (`move_ptes()`), and its `flush_tlb_range()` interrupts every CPU of the mm.
        case mremapThreaded = "mremap-threaded"
    }

    public var kind: Kind
    /// CPUs, one thread pinned to each (1-256).
    public var cpus: Int
    /// Rounds of the workload's loop per thread.
    public var iterations: Int
    /// Pages each thread writes and zaps a round (tlb-flush3: 64).
    public var pages: Int
    /// Pages of data each thread reads a round, drawn with locality from a working set of
    /// 4 x `reads` pages: three in four from its hot quarter.
    public var reads: Int
    /// Seed of the access streams.
    public var seed: UInt64
    /// Whether the CPUs have PCID; without it every switch to another mm flushes the TLB
    /// (the scenario's `pcid off`).
    public var hasPCID = true
    /// Whether the CPUs have INVLPGB (the scenario's `invlpgb on`, with the kernel's threshold):
    /// only `linux-6.15` uses it.
    public var hasINVLPGB = false
    /// Transparent huge pages (`map ... huge`): the workload's address spaces map whole page
    /// tables (512 pages) with `VM_HUGEPAGE`, so that a fault maps a huge page, a zap of a whole
    /// one is one PMD-stride flush and a zap of part of one splits it first. `munmap-micro`'s
    /// `mmap`s stay small.
    public var hasTHP = false

    /// The pages a mapping of `pages` takes: whole page tables with huge pages.
    func mapped(_ pages: Int) -> Int { hasTHP ? (pages + 511) / 512 * 512 : pages }

    /// A `map` line of `pages` pages from 0, writable.
    func mapLine(_ pages: Int, populated: Bool = false) -> String {
        "  map 0-\(mapped(pages) - 1) write\(hasTHP ? " huge" : "")\(populated ? " populated" : "")"
    }

    /// A workload; the defaults make one round of `tlb-flush2` on 16 CPUs about 30 accesses and
    /// one zap of 8 pages per thread.
    public init(_ kind: Kind, cpus: Int, iterations: Int = 20, pages: Int = 8, reads: Int = 16, seed: UInt64 = 0) {
        self.kind = kind
        self.cpus = cpus
        self.iterations = iterations
        self.pages = kind == .tlbFlush3 ? max(pages, 64) : pages
        self.reads = reads
        self.seed = seed
    }

    /// Checks the parameters.
    /// - Throws: ``WorkloadError`` naming the parameter, its range and the value found.
    public func validate() throws(WorkloadError) {
        guard (1...maxCPUs).contains(cpus) else {
            throw WorkloadError("--cpus", "1...\(maxCPUs) (the model's cpumask)", cpus)
        }
        guard (1...10_000).contains(iterations) else { throw WorkloadError("--iterations", "1...10000", iterations) }
        guard (1...512).contains(pages) else { throw WorkloadError("--pages", "1...512", pages) }
        guard (0...256).contains(reads) else { throw WorkloadError("--reads", "0...256", reads) }
        if kind == .forkCow {
            guard cpus >= 2 else {
                throw WorkloadError("--cpus", "2...\(maxCPUs) for fork-cow (parent and children)", cpus)
            }
            guard cpus - 1 + iterations <= maxCPUs else {
                throw WorkloadError(
                    "--cpus - 1 + --iterations",
                    "at most \(maxCPUs) for fork-cow (a parent thread a CPU, a child a round)",
                    cpus - 1 + iterations)
            }
        }
        if kind == .mremapThreaded, 2 * cpus * iterations >= Scenario.maxVMAs {
            throw WorkloadError(
                "--cpus x --iterations",
                "below \(Scenario.maxVMAs / 2) for mremap-threaded (two moves a thread a round)",
                cpus * iterations)
        }
        let data = kind == .munmapMicro ? 512 : cpus * pages
        // mremap-threaded's pages move to as many pages again past the mapping.
        let span = mapped(data + 4 * max(reads, 1)) + (kind == .mremapThreaded ? data : 0)
        guard span <= 16_384 else {
            let why = kind == .tlbFlush3 ? " (tlb-flush3 zaps at least 64 pages a thread, beyond the ceiling)" : ""
            throw WorkloadError(
                "--cpus x --pages + 4 x --reads", "at most 16384 pages of one address space\(why)", span)
        }
    }

    /// The scenario, in the scenario format.
    public var scenarioText: String {
        var lines = ["# \(kind.rawValue): \(summary)", "cpus \(cpus)"]
        if !hasPCID { lines.append("pcid off") }
        if hasINVLPGB { lines.append("invlpgb on") }
        var generator = SeededGenerator(seed: seed)
        switch kind {
        case .tlbFlush1:
            let data = pages
            let span = mapped(pages + 4 * max(reads, 1))
            lines += ["pages \(span)", "frames \(cpus * span + 1)"]
            for cpu in 0..<cpus {
                lines += ["mm P\(cpu)", mapLine(span)]
            }
            for cpu in 0..<cpus {
                lines.append("thread t\(cpu) mm=P\(cpu) cpu=\(cpu)")
                var ops: [String] = []
                for _ in 0..<iterations {
                    ops += (0..<pages).map { "write \($0)" }
                    ops += readStream(from: data, using: &generator)
                    ops.append("madvise \(range(0, pages))")
                }
                lines.append("  " + ops.joined(separator: "; "))
            }
        case .tlbFlush2, .tlbFlush3:
            let data = cpus * pages
            lines += processHeader(data: data)
            for cpu in 0..<cpus {
                lines.append("thread t\(cpu) mm=A cpu=\(cpu)")
                let own = cpu * pages
                var ops: [String] = []
                for _ in 0..<iterations {
                    ops += (own..<own + pages).map { "write \($0)" }
                    ops += readStream(from: data, using: &generator)
                    ops.append("madvise \(range(own, own + pages))")
                }
                lines.append("  " + ops.joined(separator: "; "))
            }
        case .munmapMicro:
            // The region is its own page table (512 PTEs), so each munmap frees it.
            lines += [
                "frames \(pages + 4 * max(reads, 1) + 1)", "mm A", "  map 512-\(512 + 4 * max(reads, 1) - 1) write",
            ]
            lines.append("thread t0 mm=A cpu=0")
            var initiator: [String] = []
            for round in 0..<iterations {
                initiator.append("mmap \(range(0, pages)) write")
                initiator += (0..<pages).map { "write \($0)" }
                initiator.append("signal mapped\(round)")
                initiator += (1..<cpus).map { "wait touched\(round)_\($0)" }
                initiator.append("munmap \(range(0, pages))")
                initiator.append("signal unmapped\(round)")
            }
            lines.append("  " + initiator.joined(separator: "; "))
            for cpu in 1..<max(cpus, 1) {
                lines.append("thread t\(cpu) mm=A cpu=\(cpu)")
                var ops: [String] = []
                for round in 0..<iterations {
                    ops.append("wait mapped\(round)")
                    ops += (0..<pages).map { "read \($0)" }
                    ops += readStream(from: 512, using: &generator)
                    ops += ["signal touched\(round)_\(cpu)", "wait unmapped\(round)"]
                }
                lines.append("  " + ops.joined(separator: "; "))
            }
        case .numaBalancing, .mixed:
            let data = cpus * pages
            lines += processHeader(data: data, framesPerPage: 2)
            for cpu in 0..<cpus {
                lines.append("thread t\(cpu) mm=A cpu=\(cpu)")
                let own = range(cpu * pages, cpu * pages + pages)
                var ops: [String] = []
                for _ in 0..<iterations {
                    let writes = (cpu * pages..<cpu * pages + pages).map { "write \($0)" }
                    let moved = "migrate \(cpu * pages + generator.next(below: pages))"
                    if kind == .numaBalancing {
                        if cpu == 0 { ops.append("numa-hint \(range(0, data))") }
                        ops += writes + readStream(from: data, using: &generator) + [moved]
                        continue
                    }
                    ops += writes + readStream(from: data, using: &generator)
                    switch generator.next(below: 4) {
                    case 0: ops.append("madvise \(own)")
                    case 1: ops += ["mprotect \(own) read", "mprotect \(own) write"]
                    case 2: ops.append(moved)
                    default: ops.append("numa-hint \(own)")
                    }
                }
                lines.append("  " + ops.joined(separator: "; "))
            }
        case .forkCow:
            let parents = cpus - 1
            let data = parents * pages
            let span = mapped(data + 4 * max(reads, 1))
            lines += ["frames \((iterations + 2) * span + 1)", "mm A", mapLine(span, populated: true)]
            lines += (0..<iterations).map { "mm C\($0)" }
            for cpu in 0..<parents {
                lines.append("thread t\(cpu) mm=A cpu=\(cpu)")
                var ops: [String] = []
                for round in 0..<iterations {
                    ops.append(cpu == 0 ? "fork C\(round); signal forked\(round)" : "wait forked\(round)")
                    ops += (cpu * pages..<cpu * pages + pages).map { "write \($0)" }
                    ops += readStream(from: data, using: &generator)
                }
                lines.append("  " + ops.joined(separator: "; "))
            }
            for round in 0..<iterations {
                lines.append("thread c\(round) mm=C\(round) cpu=\(cpus - 1)")
                let writes = (0..<pages).map { "write \($0)" }.joined(separator: "; ")
                lines.append("  wait forked\(round); \(writes)")
            }
        case .mremapThreaded:
            // The data (each thread's pages), the working set, then the free ranges the pages
            // move to, one a thread: the model's mremap moves to a range with no VMA.
            let data = cpus * pages
            let span = mapped(data + 4 * max(reads, 1))
            lines += ["pages \(span + data)", "frames \(span + 1)", "mm A", mapLine(span)]
            for cpu in 0..<cpus {
                lines.append("thread t\(cpu) mm=A cpu=\(cpu)")
                let own = cpu * pages
                let away = span + own
                var ops: [String] = []
                for _ in 0..<iterations {
                    ops += (own..<own + pages).map { "write \($0)" }
                    ops += readStream(from: data, using: &generator)
                    ops.append("mremap \(range(own, own + pages)) \(away)")
                    ops += (away..<away + pages).map { "write \($0)" }
                    ops.append("mremap \(range(away, away + pages)) \(own)")
                }
                lines.append("  " + ops.joined(separator: "; "))
            }
        case .mprotectThreaded:
            let data = pages
            lines += processHeader(data: data)
            for cpu in 0..<cpus {
                lines.append("thread t\(cpu) mm=A cpu=\(cpu)")
                var ops: [String] = []
                for _ in 0..<iterations {
                    if cpu == 0 {
                        ops += ["mprotect \(range(0, pages)) read", "mprotect \(range(0, pages)) write"]
                        ops += (0..<pages).map { "write \($0)" }
                    } else {
                        ops += (0..<pages).map { "read \($0)" }
                    }
                    ops += readStream(from: data, using: &generator)
                }
                lines.append("  " + ops.joined(separator: "; "))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The scenario, parsed.
    public func scenario() throws -> Scenario {
        try validate()
        do {
            return try ScenarioFormat.parse(scenarioText, source: kind.rawValue)
        } catch {
            // The rounds times a round's operations overflow a thread's script: say which option.
            guard error.field == "operation" else { throw error }
            throw WorkloadError(
                "--iterations",
                "fewer for \(kind.rawValue) with these --pages and --reads "
                    + "(a thread runs at most \(Scenario.maxOperations) operations; \(error.found))",
                iterations)
        }
    }

    /// One line on what the workload does.
    public var summary: String {
        switch kind {
        case .tlbFlush1: "\(cpus) processes write \(pages) pages and madvise them away, \(iterations) rounds"
        case .tlbFlush2: "\(cpus) threads of one process write \(pages) pages each and madvise them away"
        case .tlbFlush3: "\(cpus) threads zap \(pages) pages each, beyond the ceiling"
        case .munmapMicro: "\(cpus - 1) threads touch \(pages) fresh pages, then cpu0 munmaps them"
        case .mprotectThreaded: "\(cpus - 1) threads read \(pages) pages while cpu0 write-protects them and back"
        case .numaBalancing:
            "\(cpus) threads touch their pages while cpu0 NUMA-hints them all; each migrates one a round"
        case .mixed: "\(cpus) threads write, read, zap, write-protect, migrate and NUMA-hint their pages at random"
        case .forkCow: "\(cpus - 1) threads write their pages while cpu0 forks a child each round (copy on write)"
        case .mremapThreaded: "\(cpus) threads write \(pages) pages each and mremap them away and back"
        }
    }

    /// The header of a one-process workload: address space A maps `data` pages and the working
    /// set after them; frames for all of them (`framesPerPage` times over where pages move).
    func processHeader(data: Int, framesPerPage: Int = 1) -> [String] {
        let span = mapped(data + 4 * max(reads, 1))
        return ["frames \(framesPerPage * span + 1)", "mm A", mapLine(span)]
    }

    /// `reads` reads from the working set `base..<base + 4 * reads`: three in four from its
    /// first quarter (locality), the rest anywhere in it.
    func readStream(from base: Int, using generator: inout SeededGenerator) -> [String] {
        guard reads > 0 else { return [] }
        let span = 4 * reads
        return (0..<reads).map { _ in
            let hot = generator.next(below: 4) < 3
            return "read \(base + generator.next(below: hot ? reads : span))"
        }
    }

    func range(_ start: Int, _ end: Int) -> String {
        end - start == 1 ? "\(start)" : "\(start)-\(end - 1)"
    }
}

/// A workload parameter out of range.
public struct WorkloadError: Error, Equatable, CustomStringConvertible {
    public var option: String
    public var expected: String
    public var found: Int

    init(_ option: String, _ expected: String, _ found: Int) {
        self.option = option
        self.expected = expected
        self.found = found
    }

    public var description: String { "\(option) must be \(expected), found \(found)" }
}
