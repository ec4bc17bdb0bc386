/// Reads the scenario format line by line; ``ScenarioFormat/parse(_:source:)`` drives it.
struct ScenarioParser {
    let source: String
    var summary = ""
    var cpuCount: Int?
    /// The `pages` line's value; without one, the address space ends after the highest page
    /// the scenario names (so that the state the checker stores and hashes stays small).
    var declaredPages: Int?
    var highestPage = 0
    var pages: Int { declaredPages ?? Self.maxPages }

    /// The most virtual pages an address space may have (a TLB entry keeps the page in 16 bits).
    static let maxPages = 16_384
    var ptesPerTable = 512
    var hasPCID = true
    var hasINVLPGB = false
    var globalASIDThreshold = 3
    /// The `invlpgb` line, to report it when the machine has no PCID.
    var invlpgbLine = 0
    var frames: Int?
    var addressSpaces: [Scenario.AddressSpaceSpec] = []
    var threads: [Scenario.ThreadSpec] = []
    var events: [String] = []
    /// Where each event was first waited for, to report events nobody signals.
    var waitedAt: [String: Int] = [:]
    var signalled: Set<String> = []
    /// The header that indented lines belong to.
    enum Block {
        case none
        case mm(Int)
        case thread(Int)
    }
    var block = Block.none
    var line = 0
    /// The last line with content, and the line of `frames`, for errors found at the end.
    var lastContentLine = 1
    var framesLine = 1
    /// The `map ... huge` lines, in order, to report a huge mapping the model cannot run.
    var hugeLines: [Int] = []
    /// The first `collapse` line, to report a collapse the model cannot run.
    var collapseLine: Int?

    init(source: String) { self.source = source }

    func error(_ field: String, _ expected: String, _ found: String) -> ScenarioError {
        ScenarioError(source: source, line: line, field: field, expected: expected, found: found)
    }

    mutating func parse(line text: String, number: Int) throws(ScenarioError) {
        line = number
        var content = text
        // Byte-wise (`#`, spaces and tabs are ASCII): a generated script line can be long.
        if let hash = content.utf8.firstIndex(of: 0x23) {
            if summary.isEmpty, number == 1 || cpuCount == nil {
                let comment = content[content.utf8.index(after: hash)...].trimmingSpaces()
                if !comment.isEmpty, content[..<hash].trimmingSpaces().isEmpty { summary = comment }
            }
            content = String(content[..<hash])
        }
        guard content.utf8.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return }
        lastContentLine = number
        let indented = content.utf8.first == 0x20 || content.utf8.first == 0x09
        if indented {
            try parseBody(content)
        } else {
            let words = content.utf8.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 })
            try parseHeader(words.map { String(Substring($0)) })
        }
    }

    mutating func parseHeader(_ words: [String]) throws(ScenarioError) {
        switch words[0] {
        case "cpus":
            let n = try number(words, 1, "cpus", "a CPU count from 1 to \(maxCPUs)")
            guard (1...maxCPUs).contains(n) else { throw error("cpus", "a CPU count from 1 to \(maxCPUs)", words[1]) }
            cpuCount = n
            block = .none
        case "pages":
            let n = try number(words, 1, "pages", "pages per address space, 1 to \(Self.maxPages)")
            guard (1...Self.maxPages).contains(n) else {
                throw error("pages", "pages per address space, 1 to \(Self.maxPages)", words[1])
            }
            guard addressSpaces.isEmpty else { throw error("pages", "`pages` before the first `mm`", "pages after mm") }
            declaredPages = n
            block = .none
        case "ptes-per-table":
            let n = try number(words, 1, "ptes-per-table", "PTEs per page-table page, 1 to 512")
            guard (1...512).contains(n) else {
                throw error("ptes-per-table", "PTEs per page-table page, 1 to 512", words[1])
            }
            ptesPerTable = n
            block = .none
        case "pcid":
            guard words.count == 2, words[1] == "on" || words[1] == "off" else {
                throw error("pcid", "`pcid on` or `pcid off`", words.dropFirst().joined(separator: " "))
            }
            hasPCID = words[1] == "on"
            block = .none
        case "invlpgb":
            let expected = "`invlpgb on`, `invlpgb on threshold N` (N active CPUs, 0 to 63) or `invlpgb off`"
            let isOff = words.count == 2 && words[1] == "off"
            let isOn = words.count == 2 && words[1] == "on"
            let isOnWithThreshold = words.count == 4 && words[1] == "on" && words[2] == "threshold"
            guard isOff || isOn || isOnWithThreshold else {
                throw error("invlpgb", expected, words.dropFirst().joined(separator: " "))
            }
            hasINVLPGB = !isOff
            invlpgbLine = line
            if isOnWithThreshold {
                guard let n = Int(words[3]), (0..<64).contains(n) else { throw error("invlpgb", expected, words[3]) }
                globalASIDThreshold = n
            }
            block = .none
        case "frames":
            frames = try number(words, 1, "frames", "a frame count")
            framesLine = line
            block = .none
        case "mm":
            guard words.count == 2 else { throw error("mm", "`mm NAME`", words.joined(separator: " ")) }
            guard !addressSpaces.contains(where: { $0.name == words[1] }) else {
                throw error("mm", "a new address space name", words[1])
            }
            guard addressSpaces.count < Scenario.maxAddressSpaces else {
                throw error("mm", "at most \(Scenario.maxAddressSpaces) address spaces", words[1])
            }
            addressSpaces.append(.init(name: words[1], mappings: []))
            block = .mm(addressSpaces.count - 1)
        case "thread", "kthread":
            try parseThreadHeader(words)
        default:
            throw error(
                "header",
                "cpus, pages, ptes-per-table, pcid, invlpgb, frames, mm, thread or kthread (indent operations and maps)",
                words[0])
        }
    }

    mutating func parseThreadHeader(_ words: [String]) throws(ScenarioError) {
        let isKernel = words[0] == "kthread"
        let form = isKernel ? "`kthread NAME cpu=N [target=MM]`" : "`thread NAME mm=NAME cpu=N`"
        guard isKernel ? (3...4).contains(words.count) : words.count == 4 else {
            throw error(words[0], form, words.joined(separator: " "))
        }
        guard let cpuCount else { throw error("cpus", "`cpus N` before the first thread", words[0]) }
        let name = words[1]
        guard !threads.contains(where: { $0.name == name }) else { throw error("thread", "a new thread name", name) }
        guard threads.count < maxCPUs else { throw error("thread", "at most \(maxCPUs) threads", name) }
        var mm: Int?
        var target: Int?
        var cpu: Int?
        for word in words[2...] {
            let pair = word.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { throw error(words[0], form, word) }
            switch pair[0] {
            case "mm" where !isKernel, "target" where isKernel:
                guard let index = addressSpaces.firstIndex(where: { $0.name == pair[1] }) else {
                    throw error(
                        "mm", "an address space declared above (\(addressSpaces.map(\.name).joined(separator: ", ")))",
                        pair[1])
                }
                if isKernel { target = index } else { mm = index }
            case "cpu":
                guard let n = Int(pair[1]), n >= 0, n < cpuCount else {
                    throw error("cpu", "a CPU number below \(cpuCount) (cpus \(cpuCount))", pair[1])
                }
                cpu = n
            default:
                throw error(words[0], form, word)
            }
        }
        guard let cpu, isKernel || mm != nil else { throw error(words[0], form, words.joined(separator: " ")) }
        threads.append(.init(name: name, mm: mm, cpu: cpu, script: [], target: target))
        block = .thread(threads.count - 1)
    }

    mutating func parseBody(_ content: String) throws(ScenarioError) {
        switch block {
        case .none:
            throw error("indentation", "an indented line under an `mm` or thread header", content.trimmingSpaces())
        case .mm(let mm):
            let words = content.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            let flags = words.dropFirst(3)
            guard words.first == "map", words.count >= 3, flags.allSatisfy({ ["huge", "populated"].contains($0) }),
                Set(flags).count == flags.count
            else {
                throw error("map", "`map RANGE none|read|write [huge] [populated]`", content.trimmingSpaces())
            }
            let range = try pageRange(words[1])
            let prot = try protection(words[2])
            addressSpaces[mm].mappings.append(
                .init(
                    range: range, protection: prot, isPopulated: flags.contains("populated"),
                    isHuge: flags.contains("huge")))
            if flags.contains("huge") { hugeLines.append(line) }
        case .thread(let thread):
            // Split on the UTF-8 bytes (`;`, space and tab are ASCII): a workload's generated
            // script line holds thousands of operations, and splitting Characters costs a
            // grapheme-break check per byte.
            for part in content.utf8.split(separator: 0x3B) {
                var words = part.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 }).map { String(Substring($0)) }
                guard !words.isEmpty else { continue }
                var times = 1
                if words.count > 1, let last = words.last, last.hasPrefix("x") {
                    guard let n = Int(last.dropFirst()), (1...1000).contains(n) else {
                        throw error("repeat", "xN with N from 1 to 1000 after an operation", last)
                    }
                    times = n
                    words.removeLast()
                }
                let op = try operation(
                    words, isKernel: threads[thread].mm == nil, hasTarget: threads[thread].target != nil)
                threads[thread].script += Array(repeating: op, count: times)
            }
        }
    }

    /// The operations only a user thread can make.
    /// What a kernel thread with a `target` may do to that address space.
    static let kernelOnTarget: Set = ["reclaim", "migrate", "collapse"]

    static let userOnly: Set = [
        "read", "write", "munmap", "madvise", "mprotect", "mmap", "migrate", "numa-hint", "collapse", "reclaim", "fork",
        "mremap",
    ]

    mutating func operation(_ words: [String], isKernel: Bool, hasTarget: Bool) throws(ScenarioError) -> Operation {
        if isKernel, Self.userOnly.contains(words[0]), !(hasTarget && Self.kernelOnTarget.contains(words[0])) {
            throw error(
                "operation",
                "work, tick, yield, sleep, wait, spin or signal in a kernel thread (reclaim, migrate and collapse "
                    + "too with `target=MM`)",
                words[0])
        }
        func arity(_ n: Int, _ form: String) throws(ScenarioError) {
            guard words.count == n else { throw error(words[0], form, words.joined(separator: " ")) }
        }
        switch words[0] {
        case "read", "write":
            try arity(2, "`\(words[0]) PAGE`")
            return .access(page: try page(words[1]), write: words[0] == "write")
        case "munmap":
            try arity(2, "`munmap RANGE`")
            return .munmap(try pageRange(words[1]))
        case "madvise":
            try arity(2, "`madvise RANGE` (MADV_DONTNEED)")
            return .madviseDontNeed(try pageRange(words[1]))
        case "mprotect", "mmap":
            try arity(3, "`\(words[0]) RANGE none|read|write`")
            let range = try pageRange(words[1])
            let prot = try protection(words[2])
            return words[0] == "mmap" ? .mmap(range, prot) : .mprotect(range, prot)
        case "migrate":
            guard words.count == 2 || (words.count == 3 && words[2] == "sync") else {
                throw error(
                    "migrate", "`migrate PAGE` or `migrate PAGE sync` (the synchronous fallback)",
                    words.joined(separator: " "))
            }
            return .migrate(page: try page(words[1]), synchronous: words.count == 3)
        case "numa-hint":
            try arity(2, "`numa-hint RANGE` (change_prot_numa)")
            return .numaHint(try pageRange(words[1]))
        case "collapse":
            try arity(2, "`collapse RANGE` (MADV_COLLAPSE of one page table's range)")
            if collapseLine == nil { collapseLine = line }
            return .collapse(try pageRange(words[1]))
        case "reclaim":
            try arity(2, "`reclaim PAGE`")
            return .reclaim(page: try page(words[1]))
        case "mremap":
            try arity(3, "`mremap RANGE PAGE` (moves RANGE to start at PAGE)")
            let range = try pageRange(words[1])
            let to = try page(words[2])
            // The last new page must exist too.
            _ = try page(String(to + range.count - 1))
            return .mremap(range, to: to)
        case "fork":
            try arity(2, "`fork MM` (an address space declared before)")
            guard let child = addressSpaces.firstIndex(where: { $0.name == words[1] }) else {
                throw error("mm", "an address space declared before this line", words[1])
            }
            guard addressSpaces[child].mappings.isEmpty else {
                throw error("mm", "an address space with no map lines (fork fills it)", words[1])
            }
            return .fork(mm: child)
        case "yield":
            try arity(1, "`yield`")
            return .yield
        case "sleep":
            try arity(1, "`sleep`")
            return .sleep
        case "work":
            try arity(1, "`work`")
            return .work
        case "tick":
            try arity(1, "`tick` (more than a second passes)")
            return .tick
        case "wait", "spin", "signal":
            try arity(2, "`\(words[0]) EVENT`")
            let event = eventIndex(words[1])
            if words[0] == "signal" {
                signalled.insert(words[1])
                return .signal(event: event)
            }
            if waitedAt[words[1]] == nil { waitedAt[words[1]] = line }
            return words[0] == "wait" ? .wait(event: event) : .spin(event: event)
        default:
            throw error(
                "operation",
                "read, write, munmap, madvise, mprotect, mmap, migrate, numa-hint, collapse, reclaim, fork, mremap, yield, "
                    + "sleep, wait, spin, signal, work or tick",
                words[0])
        }
    }

    mutating func eventIndex(_ name: String) -> Int {
        if let index = events.firstIndex(of: name) { return index }
        events.append(name)
        return events.count - 1
    }

    func number(_ words: [String], _ at: Int, _ field: String, _ expected: String) throws(ScenarioError) -> Int {
        guard words.count == at + 1, let n = Int(words[at]) else {
            throw error(field, expected, words.dropFirst().joined(separator: " "))
        }
        return n
    }

    mutating func page(_ word: String) throws(ScenarioError) -> Int {
        guard let n = Int(word), n >= 0, n < pages else {
            throw error("page", "a page number below \(pages) (pages \(pages))", word)
        }
        highestPage = max(highestPage, n)
        return n
    }

    mutating func pageRange(_ word: String) throws(ScenarioError) -> PageRange {
        let parts = word.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2 else { throw error("range", "PAGE or FIRST-LAST", word) }
        let first = try page(parts[0])
        let last = parts.count == 2 ? try page(parts[1]) : first
        guard first <= last else { throw error("range", "FIRST-LAST with FIRST <= LAST", word) }
        return PageRange(first, last + 1)
    }

    func protection(_ word: String) throws(ScenarioError) -> Protection {
        guard let prot = Protection.allCases.first(where: { $0.description == word }) else {
            throw error("protection", "none, read or write", word)
        }
        return prot
    }

    mutating func finish() throws(ScenarioError) -> Scenario {
        line = lastContentLine
        guard let cpuCount else { throw error("cpus", "a `cpus N` line", "no cpus line") }
        guard !threads.isEmpty else { throw error("thread", "at least one thread", "no thread") }
        if let long = threads.first(where: { $0.script.count > Scenario.maxOperations }) {
            throw error(
                "operation", "at most \(Scenario.maxOperations) operations per thread",
                "\(long.script.count) in \(long.name)")
        }
        if let (name, at) = waitedAt.filter({ !signalled.contains($0.key) }).min(by: { $0.value < $1.value }) {
            line = at
            throw error("event", "an event some thread signals", name)
        }
        let populated = addressSpaces.reduce(0) { sum, mm in
            sum + mm.mappings.filter { $0.isPopulated && $0.protection != .none }.reduce(0) { $0 + $1.range.count }
        }
        let pages = declaredPages ?? highestPage + 1
        let frameCount = frames ?? populated + pages
        guard frameCount >= populated else {
            line = framesLine
            throw error("frames", "at least the \(populated) populated pages", String(frameCount))
        }
        var scenario = Scenario(
            name: source, summary: summary, cpuCount: cpuCount, pagesPerAddressSpace: pages,
            frameCount: frameCount, addressSpaces: addressSpaces, threads: threads, events: events)
        scenario.ptesPerTable = ptesPerTable
        scenario.hasPCID = hasPCID
        scenario.hasINVLPGB = hasINVLPGB
        scenario.globalASIDThreshold = globalASIDThreshold
        if hasINVLPGB, !hasPCID {
            line = invlpgbLine
            throw error(
                "invlpgb", "PCID with INVLPGB (global ASIDs are PCIDs; every CPU with INVLPGB has PCID)",
                "invlpgb on with pcid off")
        }
        if scenario.vmasCreated > Scenario.maxVMAs {
            throw error(
                "operation",
                "at most \(Scenario.maxVMAs) VMAs in all: map lines, mmap and mremap operations (fewer of them)",
                String(scenario.vmasCreated))
        }
        if let (mm, range, isCollapse, problem) = scenario.hugeRangeProblem {
            if isCollapse {
                line = collapseLine ?? lastContentLine
                throw error("collapse", problem, "collapse \(range)")
            }
            let mapping = addressSpaces[mm].mappings.firstIndex { $0.isHuge && $0.range == range }!
            line =
                hugeLines[
                    addressSpaces.prefix(mm).reduce(0) { $0 + $1.mappings.filter(\.isHuge).count }
                        + addressSpaces[mm].mappings.prefix(mapping).filter(\.isHuge).count]
            throw error("huge", problem, "map \(range) huge")
        }
        if let (mm, table) = scenario.untrackablePageTable {
            line = lastContentLine
            throw error(
                "ptes-per-table",
                "at most \(Scenario.maxFreeablePageTables) page-table pages an munmap could free per address space "
                    + "(raise ptes-per-table or unmap fewer pages)",
                "table \(table) of \(addressSpaces[mm].name)")
        }
        return scenario
    }
}

extension StringProtocol {
    /// The text without leading spaces and tabs and trailing spaces, tabs and carriage
    /// returns. Walks the UTF-8 bytes from both ends (all three are ASCII, so every index it
    /// stops at is a character boundary): linear in what it drops, not a copy of the reversed
    /// text as `drop(while:)` over `reversed()` was (42% of `compare --workload tlb-flush2
    /// --cpus 64` went there).
    func trimmingSpaces() -> String {
        let text = Substring(self)
        let bytes = text.utf8
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start = bytes.index(after: start) }
        while end > start {
            let last = bytes[bytes.index(before: end)]
            guard last == 0x20 || last == 0x09 || last == 0x0D else { break }
            end = bytes.index(before: end)
        }
        return String(text[start..<end])
    }
}
