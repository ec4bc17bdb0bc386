import Foundation

/// What `shootdown trace stats` prints of a trace: TLB flushes by reason, CPU, size and
/// initiating path, IPIs, early returns, and the equivalents of `/proc/vmstat`'s `nr_tlb_*`
/// counters, as x86's `arch/x86/mm/tlb.c` (6.1) counts them.
public struct TraceStats: Codable, Sendable {
    public var lines = 0
    public var events = 0
    /// Malformed lines skipped (`--lenient`).
    public var skipped = 0
    public var cpus = 0
    /// From the first line's timestamp to the last's.
    public var seconds = 0.0
    /// Whether the trace has the TGID column (`options/record-tgid`).
    public var hasTGID = false
    /// `tlb_flush` events by reason (`reason:` up to its number), and by reason and CPU.
    public var flushes: [String: Int] = [:]
    public var flushesByCPU: [String: [Int]] = [:]
    /// `tlb_flush` pages by reason, in buckets: `all` (-1), `1`, `2-4`, `5-16`, `17-33`, `34+`.
    public var pages: [String: [String: Int]] = [:]
    /// The function tracer's calls by function and caller (`flush_tlb_mm_range <-ptep_clear_flush`).
    public var calls: [String: Int] = [:]
    /// `flush_tlb_func` calls followed on their CPU by no flush (`local mm shootdown` or
    /// `remote shootdown` of a page or more) before the CPU's next `flush_tlb_func`: it returned
    /// early (another mm loaded, or its generation already current; 6.12, unlike 6.1, traces
    /// that return with 0 pages).
    public var earlyReturns = 0
    public var flushFuncCalls = 0
    /// `call_function_entry` and `call_function_single_entry`: IPIs taken, for any cause.
    public var callFunctionInterrupts = 0
    /// `ipi_send_cpu` / `ipi_send_cpumask` events, where the kernel has them (6.5 and later).
    public var ipiSends = 0
    /// Context switches to a task of another process than the CPU's previous user task (needs
    /// the TGID column), and the `flush on task switch` flushes: without PCID every such switch
    /// flushes everything.
    public var switchesToAnotherProcess = 0
    public var taskSwitchFlushes = 0
    /// Syscall entries by name.
    public var syscalls: [String: Int] = [:]
    /// `mm_migrate_pages` events and the pages they moved (`nr_succeeded`).
    public var migrations = 0
    public var migratedPages = 0
    /// `/proc/vmstat`'s counters as the kernel would have counted this trace's events.
    public var vmstat: [String: Int] = [:]

    /// Whether the machine had PCID, as far as the trace tells: `absent` when (with the TGID
    /// column) nearly every switch to another process flushed the TLB, `present` when few did,
    /// `unknown` without the TGID column or switches.
    public var pcid = "unknown"

    /// The statistics of `lines` (parsed, in file order), `skipped` malformed lines left out.
    public init(_ lines: [FtraceLine], total: Int, skipped: Int) {
        self.lines = total
        self.skipped = skipped
        events = lines.count
        let cpuCount = (lines.map(\.cpu).max() ?? -1) + 1
        cpus = cpuCount
        seconds = (lines.last?.timestamp ?? 0) - (lines.first?.timestamp ?? 0)
        hasTGID = lines.contains { $0.tgid != nil }
        var pending = [Bool](repeating: false, count: cpuCount)  // a flush_tlb_func not yet followed by a flush
        var lastProcess = [Int?](repeating: nil, count: cpuCount)
        for line in lines {
            switch line.body {
            case .function(let name, let caller):
                calls["\(name) <-\(caller)", default: 0] += 1
                guard name == "flush_tlb_func" else {
                    if name == "native_flush_tlb_multi" { vmstat["nr_tlb_remote_flush", default: 0] += 1 }
                    continue
                }
                flushFuncCalls += 1
                if pending[line.cpu] { earlyReturns += 1 }
                pending[line.cpu] = true
                // The initiator runs its own part from flush_tlb_mm_range or
                // smp_call_function_many_cond; every other caller is an IPI's.
                if caller != "flush_tlb_mm_range" && caller != "smp_call_function_many_cond" {
                    vmstat["nr_tlb_remote_flush_received", default: 0] += 1
                }
            case .event(let name, let fields):
                switch name {
                case "tlb_flush":
                    let (count, reason) = Self.tlbFlush(fields)
                    flushes[reason, default: 0] += 1
                    flushesByCPU[reason, default: [Int](repeating: 0, count: cpuCount)][line.cpu] += 1
                    pages[reason, default: [:]][Self.bucket(count), default: 0] += 1
                    // A flush of 0 pages is an early return traced at `done:` (6.12; 6.1 traces none).
                    if reason == "local mm shootdown" || reason == "remote shootdown", count != 0 {
                        pending[line.cpu] = false
                    }
                    if reason == "flush on task switch" { taskSwitchFlushes += 1 }
                    if reason == "local mm shootdown" || reason == "local shootdown" {
                        if count < 0 {
                            vmstat["nr_tlb_local_flush_all", default: 0] += 1
                        } else {
                            vmstat["nr_tlb_local_flush_one", default: 0] += count
                        }
                    }
                case "call_function_entry", "call_function_single_entry": callFunctionInterrupts += 1
                case "ipi_send_cpu", "ipi_send_cpumask": ipiSends += 1
                case "mm_migrate_pages":
                    migrations += 1
                    migratedPages += Self.field("nr_succeeded", in: fields) ?? 0
                default: break
                }
            case .syscall(let name, let isExit, _):
                if !isExit { syscalls[name, default: 0] += 1 }
            }
            // A CPU now runs a task of another process than its last one (sched_switch names the
            // next task's PID, not its TGID, so a switch shows as the TGID changing between
            // lines of one CPU; kernel threads count too, which makes `absent` conservative).
            if let tgid = line.tgid, tgid > 0, line.pid != 0 {
                if let last = lastProcess[line.cpu], last != tgid { switchesToAnotherProcess += 1 }
                lastProcess[line.cpu] = tgid
            }
        }
        earlyReturns += pending.filter { $0 }.count
        if hasTGID, switchesToAnotherProcess > 0 {
            pcid = taskSwitchFlushes * 10 >= switchesToAnotherProcess * 9 ? "absent" : "present"
        }
    }

    /// `pages:-1 reason:flush on task switch (0)` as (-1, "flush on task switch").
    static func tlbFlush(_ fields: String) -> (pages: Int, reason: String) {
        let pages = field("pages", in: fields) ?? 0
        guard let start = fields.range(of: "reason:") else { return (pages, "?") }
        var reason = fields[start.upperBound...]
        if let paren = reason.range(of: " (", options: .backwards) { reason = reason[..<paren.lowerBound] }
        return (pages, String(reason))
    }

    /// The integer after `name:` or `name=` in `fields`.
    static func field(_ name: String, in fields: String) -> Int? {
        for separator in [":", "="] {
            guard let range = fields.range(of: name + separator) else { continue }
            let digits = fields[range.upperBound...].prefix { $0 == "-" || $0.isNumber }
            return Int(digits)
        }
        return nil
    }

    /// The histogram bucket of a flush of `pages` pages (-1: everything).
    static func bucket(_ pages: Int) -> String {
        switch pages {
        case ..<0: "all"
        case 0...1: "1"
        case 2...4: "2-4"
        case 5...16: "5-16"
        case 17...33: "17-33"
        default: "34+"
        }
    }
}
