/// The scenario text format (README.md, "Scenario files"): line based, `#` comments, header
/// lines at the left margin, indented body lines belonging to the last `mm` or thread header.
///
/// ```
/// cpus 2
/// mm A
///   map 0-3 write populated
/// thread t0 mm=A cpu=0
///   write 0; signal touched
/// thread t1 mm=A cpu=1
///   wait touched; madvise 0
/// ```
public enum ScenarioFormat {
    /// Parses a scenario.
    /// - Parameters:
    ///   - text: the file's contents.
    ///   - source: the file name, used as the scenario's name and in errors.
    /// - Throws: ``ScenarioError`` naming the line, the field and what was expected.
    public static func parse(_ text: String, source: String) throws(ScenarioError) -> Scenario {
        var parser = ScenarioParser(source: source)
        // Lines split on the bytes (a generated script line can be long), a CRLF's CR dropped.
        for (index, raw) in text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            let line = raw.last == 0x0D ? raw.dropLast() : raw
            try parser.parse(line: String(Substring(line)), number: index + 1)
        }
        return try parser.finish()
    }

    /// An operation as the format spells it.
    public static func format(_ op: Operation) -> String {
        switch op {
        case .access(let page, let write): "\(write ? "write" : "read") \(page)"
        case .munmap(let range): "munmap \(range)"
        case .madviseDontNeed(let range): "madvise \(range)"
        case .mprotect(let range, let prot): "mprotect \(range) \(prot)"
        case .mmap(let range, let prot): "mmap \(range) \(prot)"
        case .migrate(let page, let synchronous): "migrate \(page)\(synchronous ? " sync" : "")"
        case .numaHint(let range): "numa-hint \(range)"
        case .collapse(let range): "collapse \(range)"
        case .reclaim(let page): "reclaim \(page)"
        case .mremap(let range, let to): "mremap \(range) \(to)"
        case .fork(let mm): "fork #\(mm)"
        case .yield: "yield"
        case .sleep: "sleep"
        case .wait(let event): "wait #\(event)"
        case .spin(let event): "spin #\(event)"
        case .signal(let event): "signal #\(event)"
        case .work: "work"
        case .tick: "tick"
        }
    }

    /// An operation with its event names, as the format spells it.
    public static func format(_ op: Operation, in scenario: Scenario) -> String {
        switch op {
        case .wait(let event): "wait \(scenario.events[event])"
        case .spin(let event): "spin \(scenario.events[event])"
        case .signal(let event): "signal \(scenario.events[event])"
        case .fork(let mm): "fork \(scenario.addressSpaces[mm].name)"
        default: format(op)
        }
    }

    /// The scenario as text that ``parse(_:source:)`` reads back to the same scenario.
    public static func render(_ scenario: Scenario) -> String {
        var lines = [
            "# \(scenario.summary)", "cpus \(scenario.cpuCount)",
            "pages \(scenario.pagesPerAddressSpace)", "ptes-per-table \(scenario.ptesPerTable)",
            "frames \(scenario.frameCount)",
        ]
        if !scenario.hasPCID { lines.append("pcid off") }
        if scenario.hasINVLPGB {
            lines.append(
                "invlpgb on" + (scenario.globalASIDThreshold == 3 ? "" : " threshold \(scenario.globalASIDThreshold)"))
        }
        for mm in scenario.addressSpaces {
            lines.append("mm \(mm.name)")
            for m in mm.mappings {
                lines.append(
                    "  map \(m.range) \(m.protection)\(m.isHuge ? " huge" : "")\(m.isPopulated ? " populated" : "")")
            }
        }
        for thread in scenario.threads {
            if let mm = thread.mm {
                lines.append("thread \(thread.name) mm=\(scenario.addressSpaces[mm].name) cpu=\(thread.cpu)")
            } else {
                let target = thread.target.map { " target=\(scenario.addressSpaces[$0].name)" } ?? ""
                lines.append("kthread \(thread.name) cpu=\(thread.cpu)\(target)")
            }
            if !thread.script.isEmpty {
                lines.append("  " + thread.script.map { format($0, in: scenario) }.joined(separator: "; "))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
