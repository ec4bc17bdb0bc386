/// Small valid scenarios drawn at random from the scenario grammar, for fuzzing the model and
/// for hunting a scheme's bugs in scenarios nobody wrote.
///
/// A draw picks 2 to ``Scope/maxCPUs`` CPUs, 1 to 4 pages with 1, 2 or 512 PTEs to a page table
/// (so page-table locks are and are not shared), one or two address spaces with VMAs of every
/// protection, populated or not, an empty address space to fork into when a script forks, and up
/// to one thread more than there are CPUs (kernel threads among them), each running 1 to
/// ``Scope/maxOperations`` operations of every kind the model has, half of them between an
/// access to a page and a later access to it (what a missed flush needs to show). Events order threads without
/// a cycle: a thread waits or spins only for events that threads listed before it signal, and
/// spins only when it is alone on its CPU, so a generated scenario cannot deadlock by itself
/// (a deadlock the checker reports is the kernel's). Every draw is a function of its seed alone.
public struct ScenarioGenerator: Sendable {
    /// How large the generated scenarios may be.
    public struct Scope: Hashable, Sendable {
        /// The most CPUs (2 or more; the checker takes at most 5).
        public var maxCPUs: Int
        /// The most operations of one thread's script.
        public var maxOperations: Int
        /// The most virtual pages of an address space.
        public var maxPages: Int

        /// A scope of at most `maxCPUs` CPUs, `maxOperations` operations a thread and
        /// `maxPages` pages.
        public init(maxCPUs: Int = 3, maxOperations: Int = 4, maxPages: Int = 4) {
            precondition((2...5).contains(maxCPUs), "2 to 5 CPUs")
            precondition(maxOperations >= 1 && maxPages >= 1, "at least one operation and one page")
            self.maxCPUs = maxCPUs
            self.maxOperations = maxOperations
            self.maxPages = maxPages
        }
    }

    /// The scope every draw stays within.
    public var scope: Scope

    /// A generator of scenarios within `scope`.
    public init(scope: Scope = Scope()) { self.scope = scope }

    /// The scenario of `seed`, named `generated-SEED`.
    public func scenario(seed: UInt64) -> Scenario {
        var draw = Draw(generator: SeededGenerator(seed: seed))
        // Small scopes first (most bugs show in a small instance): two CPUs half the time.
        let cpus = draw.chance(1, in: 2) ? 2 : draw.int(2...scope.maxCPUs)
        let pages = draw.int(1...scope.maxPages)
        let ptesPerTable = draw.pick([1, 2, 512])
        var spaces: [Scenario.AddressSpaceSpec] = []
        for name in ["A", "B"].prefix(draw.chance(1, in: 4) ? 2 : 1) {
            spaces.append(.init(name: name, mappings: mappings(pages: pages, &draw)))
        }
        let userSpaces = spaces.count
        let threadCount = draw.int(2...cpus + 1)
        var threads: [Scenario.ThreadSpec] = []
        var events: [String] = []
        var forks = false
        for index in 0..<threadCount {
            let cpu = index < cpus ? index : draw.int(0...cpus - 1)
            if index > 0, draw.chance(1, in: 6) {
                let script = (0..<draw.int(1...2)).map { _ in draw.pick([Operation.work, .sleep, .yield]) }
                threads.append(.init(name: "k\(index)", mm: nil, cpu: cpu, script: script))
                continue
            }
            var script: [Operation] = []
            for _ in 0..<draw.int(1...scope.maxOperations) {
                let op = operation(pages: pages, &draw)
                if case .fork = op {
                    guard !forks else { continue }
                    forks = true
                    script.append(.fork(mm: userSpaces))
                } else {
                    script.append(op)
                }
            }
            // Now and then the thread touches a page before its operations and reads it after,
            // as the built-in scenarios do: a TLB entry filled before a change is what a missed
            // flush leaves behind, and the read after is what uses it.
            if draw.chance(1, in: 2) {
                let page = draw.int(0...pages - 1)
                script.insert(.access(page: page, write: draw.chance(1, in: 2)), at: 0)
                script.append(.access(page: page, write: draw.chance(1, in: 3)))
            }
            // Order this thread after one listed before it, now and then, by an event.
            let earlier = threads.indices.filter { threads[$0].mm != nil }
            if !earlier.isEmpty, draw.chance(1, in: 3) {
                let other = earlier[draw.int(0...earlier.count - 1)]
                let event = events.count
                events.append("e\(event)")
                let at = draw.int(0...threads[other].script.count)
                threads[other].script.insert(.signal(event: event), at: at)
                let spins = draw.chance(1, in: 2)
                script.insert(spins ? .spin(event: event) : .wait(event: event), at: draw.int(0...script.count))
            }
            threads.append(.init(name: "t\(index)", mm: draw.int(0...userSpaces - 1), cpu: cpu, script: script))
        }
        // A spin keeps its CPU busy: only a thread alone on its CPU spins, so that no thread
        // that must signal waits behind it for a preemption.
        for index in threads.indices where threads.filter({ $0.cpu == threads[index].cpu }).count > 1 {
            threads[index].script = threads[index].script.map { op in
                if case .spin(let event) = op { return .wait(event: event) }
                return op
            }
        }
        if forks { spaces.append(.init(name: "C", mappings: [])) }
        Self.numberEventsInOrder(&threads, &events)
        let populated = spaces.reduce(0) { sum, mm in
            sum + mm.mappings.filter { $0.isPopulated && $0.protection != .none }.reduce(0) { $0 + $1.range.count }
        }
        var scenario = Scenario(
            name: "generated-\(seed)", summary: "Generated from seed \(seed).", cpuCount: cpus,
            pagesPerAddressSpace: pages, frameCount: populated + pages, addressSpaces: spaces, threads: threads,
            events: events)
        scenario.ptesPerTable = ptesPerTable
        // Drawn after everything else, so that the scenarios above keep their numbers: a machine
        // without PCID matters only where a CPU switches between two address spaces.
        if userSpaces == 2, draw.chance(1, in: 3) { scenario.hasPCID = false }
        // One scenario in four with two pages or more: a user thread moves a page (mremap).
        let users = scenario.threads.indices.filter { scenario.threads[$0].mm != nil }
        if pages >= 2, !users.isEmpty, draw.chance(1, in: 4) {
            let thread = users[draw.int(0...users.count - 1)]
            let from = draw.int(0...pages - 1)
            let to = (from + draw.int(1...pages - 1)) % pages
            let at = draw.int(0...scenario.threads[thread].script.count)
            scenario.threads[thread].script.insert(.mremap(PageRange(from, from + 1), to: to), at: at)
        }
        // One migration in three is the synchronous fallback (`ptep_clear_flush()`, a ranged
        // flush with a generation), the rest the asynchronous batch pass.
        for thread in scenario.threads.indices {
            scenario.threads[thread].script = scenario.threads[thread].script.map { op in
                guard case .migrate(let page, _) = op, draw.chance(1, in: 3) else { return op }
                return .migrate(page: page, synchronous: true)
            }
        }
        // Half the machines with PCID have INVLPGB, with a global-ASID threshold below the CPU
        // count so that an mm can get one (only schemes that use it, `linux-6.15`, read this;
        // drawn last, so that the scenarios above stay as they were for every other scheme).
        if scenario.hasPCID, draw.chance(1, in: 2) {
            scenario.hasINVLPGB = true
            scenario.globalASIDThreshold = draw.int(0...cpus - 1)
        }
        // One scenario in four with two PTEs to a page table: every VMA over whole tables is a
        // huge one (`map ... huge`, transparent huge pages). Drawn last, as above.
        if ptesPerTable == 2, draw.chance(1, in: 4) { Self.makeHuge(&scenario) }
        // One in four of those with a page table's range to spare: a user thread collapses it
        // (MADV_COLLAPSE), at a random point of its script.
        let collapsers = scenario.threads.indices.filter { scenario.threads[$0].mm != nil }
        if ptesPerTable == 2, pages >= 2, !collapsers.isEmpty, draw.chance(1, in: 4) {
            let thread = collapsers[draw.int(0...collapsers.count - 1)]
            let start = 2 * draw.int(0...pages / 2 - 1)
            let at = draw.int(0...scenario.threads[thread].script.count)
            scenario.threads[thread].script.insert(.collapse(PageRange(start, start + 2)), at: at)
        }
        // One kernel thread in three works on A (kswapd's reclaim, kcompactd's migration,
        // khugepaged's collapse): a flush from a CPU that does not run the mm. Drawn last.
        let kernel = scenario.threads.indices.filter { scenario.threads[$0].mm == nil }
        if let thread = kernel.first, draw.chance(1, in: 3) {
            scenario.threads[thread].target = 0
            let page = draw.int(0...pages - 1)
            var ops: [Operation] = [.reclaim(page: page), .migrate(page: page)]
            let table = page / 2 * 2
            if ptesPerTable == 2, table + 2 <= pages { ops.append(.collapse(PageRange(table, table + 2))) }
            let at = draw.int(0...scenario.threads[thread].script.count)
            scenario.threads[thread].script.insert(draw.pick(ops), at: at)
        }
        // One fork in two has its child run: a thread in C, woken once the fork returns, with
        // operations of its own. Its writes copy on write from the child's side (until
        // 2026-12-01 no generated thread ran in C, and a huge page's copy on write from that
        // side reused frames the parent still mapped, unseen). Drawn last, as above.
        if let forker = scenario.threads.indices.first(where: { Self.forkIndex(scenario.threads[$0].script) != nil }),
            draw.chance(1, in: 2)
        {
            let event = scenario.events.count
            scenario.events.append("e\(event)")
            let after = Self.forkIndex(scenario.threads[forker].script)! + 1
            scenario.threads[forker].script.insert(.signal(event: event), at: after)
            var script: [Operation] = [.wait(event: event)]
            for _ in 0..<draw.int(1...scope.maxOperations) {
                let op = operation(pages: pages, &draw)
                if case .fork = op { continue }
                script.append(op)
            }
            let cpu = draw.int(0...cpus - 1)
            scenario.threads.append(.init(name: "c", mm: scenario.addressSpaces.count - 1, cpu: cpu, script: script))
            // No longer alone on its CPU, a spinning thread waits instead (as above).
            for index in scenario.threads.indices where scenario.threads[index].cpu == cpu {
                scenario.threads[index].script = scenario.threads[index].script.map { op in
                    if case .spin(let event) = op { return .wait(event: event) }
                    return op
                }
            }
            // The copies take frames: as many again as the child has pages.
            scenario.frameCount += pages
            Self.numberEventsInOrder(&scenario.threads, &scenario.events)
        }
        return scenario
    }

    /// Where `script` forks, if it does.
    static func forkIndex(_ script: [Operation]) -> Int? {
        script.firstIndex { if case .fork = $0 { true } else { false } }
    }

    /// Makes every mapping over whole, aligned page tables huge.
    static func makeHuge(_ scenario: inout Scenario) {
        let table = scenario.ptesPerTable
        for mm in scenario.addressSpaces.indices {
            for index in scenario.addressSpaces[mm].mappings.indices {
                let range = scenario.addressSpaces[mm].mappings[index].range
                guard range.start % table == 0, range.count % table == 0 else { continue }
                scenario.addressSpaces[mm].mappings[index].isHuge = true
            }
        }
    }

    /// Numbers the events in the order they first appear, thread by thread, as the parser does,
    /// so that the rendered text reads back to the same scenario.
    static func numberEventsInOrder(_ threads: inout [Scenario.ThreadSpec], _ events: inout [String]) {
        var renumbered: [Int: Int] = [:]
        func number(_ event: Int) -> Int {
            if let new = renumbered[event] { return new }
            renumbered[event] = renumbered.count
            return renumbered.count - 1
        }
        for index in threads.indices {
            threads[index].script = threads[index].script.map { op in
                switch op {
                case .wait(let event): .wait(event: number(event))
                case .spin(let event): .spin(event: number(event))
                case .signal(let event): .signal(event: number(event))
                default: op
                }
            }
        }
        events = (0..<renumbered.count).map { "e\($0)" }
    }

    /// One or two VMAs that do not overlap, or none now and then (every access faults).
    func mappings(pages: Int, _ draw: inout Draw) -> [Scenario.Mapping] {
        var result: [Scenario.Mapping] = []
        var next = 0
        for _ in 0..<draw.int(1...2) where next < pages && !draw.chance(1, in: 10) {
            let start = draw.int(next...pages - 1)
            let end = draw.int(start + 1...pages)
            result.append(
                .init(
                    range: PageRange(start, end), protection: draw.pick([.write, .write, .read, .none]),
                    isPopulated: draw.chance(3, in: 4)))
            next = end
        }
        return result
    }

    /// One operation of a user thread's script (events are added by the caller).
    func operation(pages: Int, _ draw: inout Draw) -> Operation {
        func range() -> PageRange {
            let start = draw.int(0...pages - 1)
            return PageRange(start, draw.int(start + 1...pages))
        }
        let page = draw.int(0...pages - 1)
        switch draw.int(0...15) {
        case 0...3: return .access(page: page, write: draw.chance(1, in: 2))
        case 4: return .munmap(range())
        case 5: return .madviseDontNeed(range())
        case 6: return .mprotect(range(), draw.pick([.none, .read, .write]))
        case 7: return .mmap(range(), draw.pick([.read, .write]))
        case 8: return .migrate(page: page)
        case 9: return .numaHint(range())
        case 10: return .reclaim(page: page)
        case 11: return .fork(mm: 0)
        case 12: return .yield
        case 13: return .sleep
        default: return .access(page: page, write: true)
        }
    }
}

/// Draws from a seeded generator.
struct Draw {
    var generator: SeededGenerator

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + generator.next(below: range.count)
    }

    mutating func chance(_ k: Int, in n: Int) -> Bool { generator.next(below: n) < k }

    mutating func pick<T>(_ choices: [T]) -> T { choices[generator.next(below: choices.count)] }
}
