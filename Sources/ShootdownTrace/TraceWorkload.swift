import ShootdownModel

/// What the model needs of a real kernel's trace, reconstructed from it: the CPUs, an address
/// space per process (per exec), and in the trace's order the context switches and the flush
/// requests, each with what the traced kernel did (``TraceRequest``).
///
/// The trace must have the TGID column (threads of one process share its mm) and the function
/// tracer's `flush_tlb_mm_range`, `native_flush_tlb_multi` and `flush_tlb_func` lines, as
/// `scripts/capture-trace.sh` records them. What it cannot show is assumed, and said in
/// ``assumptions``.
public struct TraceWorkload: Sendable {
    /// CPUs in the trace.
    public var cpus: Int
    /// Each address space's name: `COMM[TGID]`, with `#N` after the Nth exec.
    public var names: [String]
    /// Whether the machine had PCID (``TraceStats/pcid``; unknown counts as present).
    public var hasPCID: Bool
    /// The switches and flushes, in trace order.
    public var requests: [TraceRequest]
    /// Each request's timestamp: its trace line's, in seconds.
    public var times: [Double]
    /// The trace's `/proc/vmstat` equivalents (``TraceStats/vmstat``), over the whole trace.
    public var vmstat: [String: Int]
    /// Flushes and IPIs left out, and why.
    public var skipped: [String: Int] = [:]
    /// What the trace cannot show and was assumed.
    public var assumptions: [String] = []

    /// Reconstructs the workload of `trace`; `hasPCID` overrides what the trace tells of PCID
    /// (``TraceStats/pcid``: unknown counts as present).
    /// - Throws: ``FtraceError`` (line 0) when the trace cannot be validated: no TGID column, no
    ///   TLB events, no function-tracer lines for the flush paths, or more CPUs or processes
    ///   than the model has.
    public init(_ trace: FtraceTrace, hasPCID: Bool? = nil) throws(FtraceError) {
        var builder = Builder(lines: trace.lines)
        try builder.check()
        builder.run()
        cpus = builder.cpuCount
        names = builder.names
        let stats = trace.stats
        self.hasPCID = hasPCID ?? (stats.pcid != "absent")
        vmstat = stats.vmstat
        requests = builder.requests
        times = builder.times
        skipped = builder.skipped
        guard names.count <= Scenario.maxAddressSpaces else {
            throw FtraceError(
                line: 0,
                message:
                    "the trace has \(names.count) address spaces; the model has at most \(Scenario.maxAddressSpaces)")
        }
        assumptions = [
            "pages: from the initiator's tlb_flush event; where none ran, the system call's length "
                + "(munmap, madvise, mprotect), one page for ptep_clear_flush, else the whole mm",
            "freed_tables: for dup_mmap's flush_tlb_mm(), exit and exec teardowns, a gather tlb_finish_mmu() "
                + "found nested (another task of the mm inside madvise and not yet flushed, or a "
                + "whole-mm flush of a range within the ceiling), and a munmap whose range "
                + "frees a page table by the VMA layout from the traced mmap and munmap calls (where the "
                + "trace saw the process from its exec; else when the range covers an aligned 2 MiB)",
            "a page count beyond the 33-page ceiling that is a multiple of 512 is a PMD-stride "
                + "flush of that many 2 MiB pages",
            "arch_tlbbatch_flush (migration's batch, 6.4+): of the running task's mm, whose generation "
                + "its unmap bumped once and whose cpumask it gathered, taken when the batch flushes",
            "address spaces: one per process (TGID), a new one at each exec; kernel threads by name "
                + "(kworker/, ksoftirqd/, rcu_, migration/, ...) or by TGID 0",
            "CPU state before each CPU's first sched_switch is unknown: nothing before the last CPU's "
                + "first sched_switch is compared",
            "events of different CPUs are ordered by timestamp; a flush that disagrees is replayed again "
                + "with one event of another CPU, within the flush or up to 100 us before it, moved across "
                + "one of the flush's steps, and agrees if some such order agrees (listed as reordered)",
            "an IPI the model sends that the trace never shows taken is taken when its initiator goes on",
            (self.hasPCID ? "PCID: present" : "PCID: absent (every switch to another mm flushes)")
                + (hasPCID == nil ? " (from the trace, \(stats.pcid))" : " (--pcid)"),
        ]
    }

    /// Kernel threads by name: the prefixes of the kernel's own threads.
    static let kernelThreadPrefixes = [
        "kworker/", "ksoftirqd/", "migration/", "rcu_", "cpuhp/", "kthreadd", "kswapd", "kcompactd", "khugepaged",
        "watchdog", "idle_inject/", "oom_reaper", "kauditd", "kdevtmpfs", "kblockd", "writeback", "khungtaskd",
        "ksmd", "scsi_", "jbd2/", "irq/", "swapper", "mm_percpu_wq", "inet_frag_wq", "netns", "kintegrityd",
        "ata_sff", "md", "edac-poller", "devfreq_wq", "kthrotld", "acpi_thermal_pm", "zswap", "kstrp", "krfcommd",
        "charger_manager", "ipv6_addrconf", "kmpath_rdacd", "kaluad", "pool_workqueue", "hwrng", "card",
    ]

    static func isKernelThread(comm: String, pid: Int) -> Bool {
        pid == 0 || pid == 2 || kernelThreadPrefixes.contains { comm.hasPrefix($0) }
    }
}

/// The reconstruction's pass over the lines, with its per-CPU state.
private struct Builder {
    let lines: [FtraceLine]
    let cpuCount: Int
    var names: [String] = []
    var requests: [TraceRequest] = []
    var times: [Double] = []
    /// The timestamp of the line being read.
    var now = 0.0
    var skipped: [String: Int] = [:]
    /// Each PID's TGID, from every line that names both.
    var tgidOf: [Int: Int] = [:]
    /// Each TGID's current address space.
    var mmOf: [Int: Int] = [:]
    /// Each PID's comm, where seen.
    var commOf: [Int: String] = [:]
    /// What each CPU runs: unknown (`nil`), a kernel thread (`.some(nil)`), a task of an mm.
    var running: [Int??]
    var sawSwitch: [Bool]
    /// From the line on which the last CPU saw its first `sched_switch`, flushes are compared.
    var isWarm = false
    /// The flush each CPU is assembling as its initiator (an index into ``requests``).
    var openFlush: [Int?]
    /// The flush whose local `flush_tlb_func()` runs on each CPU.
    var localFlush: [Int?]
    /// The receiver request of the IPI each CPU is handling.
    var receiving: [Int?]
    /// The switch each CPU just made, until its `flush on task switch` (or another line).
    var openSwitch: [Int?]
    /// Each task's open munmap, madvise or mprotect.
    var syscallOf: [Int: SystemCall] = [:]
    /// Each task's `sched_process_exit` line, and the lines of its system calls' entries and
    /// of its execs.
    var exitLine: [Int: Int] = [:]
    var syscallLines: [Int: [Int]] = [:]
    var execLines: [Int: [Int]] = [:]
    /// The tasks in a munmap or madvise whose gather has not flushed yet, with their mm: while
    /// another task's is open, a gather's `tlb_finish_mmu()` finds `mm_tlb_flush_nested()`.
    var gathering: [Int: Int] = [:]
    /// Each process's parent, from `sched_process_fork`.
    var parentOf: [Int: Int] = [:]
    /// The VMAs of the address spaces whose mmap area the trace saw from its start (an exec's,
    /// or a fork's of such a one).
    var layouts: [Int: VMALayout] = [:]
    /// Whether the trace has `mmap()`'s events: without them no layout is known.
    var tracesMmap = false
    /// Each task's `mmap()` in progress: its length.
    var mmapLength: [Int: Int?] = [:]
    /// Tasks past `exit_mm()`: they run on in lazy TLB mode, like a kernel thread.
    var exited: Set<Int> = []
    /// Tasks past an exec's `activate_mm()`, with the mm they left, until their old mm's
    /// teardown flush (`exit_mmap()` from `mmput()`) and their `sched_process_exec`.
    var execLeft: [Int: Int?] = [:]

    init(lines: [FtraceLine]) {
        self.lines = lines
        cpuCount = (lines.map(\.cpu).max() ?? -1) + 1
        running = Array(repeating: nil, count: cpuCount)
        sawSwitch = Array(repeating: false, count: cpuCount)
        openFlush = Array(repeating: nil, count: cpuCount)
        localFlush = Array(repeating: nil, count: cpuCount)
        receiving = Array(repeating: nil, count: cpuCount)
        openSwitch = Array(repeating: nil, count: cpuCount)
        for line in lines {
            if let tgid = line.tgid, line.pid != 0 { tgidOf[line.pid] = tgid }
            commOf[line.pid] = line.task
            switch line.body {
            case .event("sched_process_exit", _): exitLine[line.pid] = line.number
            case .event("sched_process_exec", _): execLines[line.pid, default: []].append(line.number)
            case .event("sched_process_fork", let fields):
                if let child = Self.intField("child_pid", in: fields) { parentOf[child] = line.pid }
            case .syscall(let name, false, _):
                syscallLines[line.pid, default: []].append(line.number)
                if name == "sys_mmap" { tracesMmap = true }
            default: break
            }
        }
    }

    /// What the trace must have for the model to replay it.
    func check() throws(FtraceError) {
        func fail(_ message: String) -> FtraceError { FtraceError(line: 0, message: message) }
        guard !lines.isEmpty else { throw fail("no trace events (is this an ftrace text trace?)") }
        guard lines.contains(where: { $0.tgid != nil }) else {
            throw fail(
                "no TGID column: validation needs it to tell which tasks share an mm; capture with "
                    + "`echo 1 > options/record-tgid` (scripts/capture-trace.sh does)")
        }
        guard lines.contains(where: { if case .event("tlb_flush", _) = $0.body { true } else { false } }) else {
            throw fail("no tlb_flush events: enable events/tlb/tlb_flush (scripts/capture-trace.sh does)")
        }
        let hasFunctionTracer = lines.contains {
            if case .function("flush_tlb_mm_range", _) = $0.body { true } else { false }
        }
        guard hasFunctionTracer else {
            throw fail(
                "no function-tracer lines for flush_tlb_mm_range: the trace does not say which flushes were "
                    + "requested or by whom; capture with the function tracer filtered to flush_tlb_mm_range, "
                    + "native_flush_tlb_multi and flush_tlb_func (scripts/capture-trace.sh does)")
        }
        guard cpuCount <= maxCPUs else {
            throw fail("the trace has \(cpuCount) CPUs; the model has at most \(maxCPUs)")
        }
    }

    mutating func run() {
        for line in lines { take(line) }
        for cpu in 0..<cpuCount { closeFlush(on: cpu) }
    }

    // MARK: - Tasks and address spaces

    /// The address space of the task `pid` (a new one the first time its process shows), or
    /// `nil` for a kernel thread.
    mutating func mm(ofPID pid: Int, comm: String?) -> Int? {
        let comm = comm ?? commOf[pid] ?? ""
        guard !TraceWorkload.isKernelThread(comm: comm, pid: pid), !exited.contains(pid) else { return nil }
        let tgid = tgidOf[pid] ?? pid
        if let mm = mmOf[tgid] { return mm }
        return newMM(tgid: tgid, comm: comm)
    }

    /// A new address space for `tgid`: an exec's (`isExec`: its layout known, the mmap area
    /// empty), or a process first seen (a fork's child: its parent's layout, where known).
    mutating func newMM(tgid: Int, comm: String, isExec: Bool = false) -> Int {
        let execs = names.filter { $0.hasSuffix("[\(tgid)]") || $0.contains("[\(tgid)]#") }.count
        names.append(execs == 0 ? "\(comm)[\(tgid)]" : "\(comm)[\(tgid)]#\(execs + 1)")
        let mm = names.count - 1
        if isExec, tracesMmap {
            layouts[mm] = VMALayout()
        } else if let parent = parentOf[tgid], let parentMM = mmOf[tgidOf[parent] ?? parent] {
            layouts[mm] = layouts[parentMM]
        }
        mmOf[tgid] = mm
        return mm
    }

    // MARK: - The pass

    mutating func take(_ line: FtraceLine) {
        let cpu = line.cpu
        now = line.timestamp
        if case .event("sched_switch", let fields) = line.body {
            schedule(line, fields: fields)
            return
        }
        // A line shows which task runs: a switch the trace did not show (before the CPU's first
        // sched_switch) is made here, uncompared.
        let task: Int?? = line.pid == 0 ? .some(nil) : .some(mm(ofPID: line.pid, comm: line.task))
        if running[cpu] == nil || (running[cpu]! != task! && !isPartOfIRQ(line)) {
            append(.schedule(ObservedSwitch(line: line.number, cpu: cpu, mm: task!, flushed: false, isCompared: false)))
            running[cpu] = task
        }
        switch line.body {
        case .event(let name, let fields):
            event(name, fields: fields, line: line)
        case .function(let name, let caller):
            function(name, caller: caller, line: line)
        case .syscall(let name, let isExit, let arguments):
            endSwitch(on: cpu)
            closeFlush(on: cpu)
            syscall(name, isExit: isExit, arguments: arguments, line: line)
        }
    }

    /// munmap, madvise and mprotect open a system call whose flushes take its range; mmap and
    /// munmap change the process's ``VMALayout``.
    mutating func syscall(_ name: String, isExit: Bool, arguments: String, line: FtraceLine) {
        let mm = running[line.cpu] ?? nil
        if name == "sys_mmap" {
            if !isExit {
                mmapLength[line.pid] = Self.hexArgument(["len"], in: arguments)
            } else if let length = mmapLength.removeValue(forKey: line.pid) ?? nil, let mm,
                arguments.hasPrefix("0x"), let start = Int(arguments.dropFirst(2), radix: 16), start < 1 << 47
            {
                layouts[mm]?.map(start: start, length: length)
            }
            return
        }
        guard ["sys_munmap", "sys_madvise", "sys_mprotect"].contains(name) else { return }
        if isExit {
            syscallOf[line.pid] = nil
            gathering[line.pid] = nil
        } else if let length = Self.hexArgument(["len", "len_in"], in: arguments),
            let start = Self.hexArgument(["addr", "start"], in: arguments)
        {
            var call = SystemCall(
                start: start, length: length, isMunmap: name == "sys_munmap", isMprotect: name == "sys_mprotect")
            if call.isMunmap, let mm, layouts[mm] != nil {
                let range = start..<start + VMALayout.pageAligned(length)
                call.freesPageTable = layouts[mm]!.freesPageTable(unmapping: range)
                layouts[mm]!.unmap(range)
            }
            syscallOf[line.pid] = call
            // madvise gathers under mmap_lock for reading from its start, so another task's gather
            // of the mm may run at the same time. (munmap gathers only after it has detached the
            // VMAs under the lock for writing and downgraded it, which the trace does not show;
            // mprotect holds it for writing throughout.)
            if name == "sys_madvise", let mm { gathering[line.pid] = mm }
        }
    }

    /// Interrupt-context lines (an IPI's) show the interrupted task, which may be the idle task
    /// of a CPU whose model thread is a kernel thread already.
    func isPartOfIRQ(_ line: FtraceLine) -> Bool {
        switch line.body {
        case .event(let name, _): name.hasPrefix("call_function") || name == "tlb_flush"
        case .function(let name, let caller): name == "flush_tlb_func" && !Self.isLocalCaller(caller)
        case .syscall: false
        }
    }

    mutating func schedule(_ line: FtraceLine, fields: String) {
        let cpu = line.cpu
        endSwitch(on: cpu)
        closeFlush(on: cpu)
        endReceiving(on: cpu)
        guard let pid = Self.intField("next_pid", in: fields) else { return }
        let next = pid == 0 ? nil : mm(ofPID: pid, comm: Self.stringField("next_comm", in: fields))
        let index = append(
            .schedule(ObservedSwitch(line: line.number, cpu: cpu, mm: next, flushed: false, isCompared: isWarm)))
        openSwitch[cpu] = index
        running[cpu] = .some(next)
        sawSwitch[cpu] = true
        if !isWarm, sawSwitch.allSatisfy({ $0 }) { isWarm = true }
    }

    mutating func event(_ name: String, fields: String, line: FtraceLine) {
        let cpu = line.cpu
        switch name {
        case "tlb_flush":
            let (pages, reason) = TraceStats.tlbFlush(fields)
            switch reason {
            case "flush on task switch":
                if let index = openSwitch[cpu], case .schedule(var s) = requests[index] {
                    s.flushed = true
                    requests[index] = .schedule(s)
                } else if let index = receiving[cpu] {
                    updateReceive(index, .leftLazy(flushed: true))
                } else if let index = localFlush[cpu] {
                    // A lazy initiator (exit_mmap() after exit_mm()) leaves lazy mode.
                    updateFlush(index) { $0.observed.local = .leftLazy(flushed: true) }
                    localFlush[cpu] = nil
                } else if line.pid != 0, execLeft[line.pid] == nil, let mm = running[cpu] ?? nil,
                    execLines[line.pid, default: []].contains(where: { $0 > line.number })
                {
                    // exec_mmap(): activate_mm() switches to the new mm (a new mm always needs a
                    // flush), then mmput() tears the old one down.
                    execLeft[line.pid] = mm
                    let new = newMM(tgid: tgidOf[line.pid] ?? line.pid, comm: line.task, isExec: true)
                    append(
                        .schedule(
                            ObservedSwitch(line: line.number, cpu: cpu, mm: new, flushed: true, isCompared: false)))
                    running[cpu] = .some(new)
                } else {
                    skipped[
                        "flush on task switch outside a sched_switch (text_poke()'s temporary mm while tracing is set up, or an exec the trace did not show)",
                        default: 0] += 1
                }
            case "remote ipi send":
                if let index = openFlush[cpu] {
                    let syscall = syscallOf[line.pid]
                    updateFlush(index) { flush in
                        flush.pages = Self.strided(pages)
                        flush.pagesSource = .trace
                        if flush.isNested(syscall: syscall) {
                            flush.freedTables = true
                        } else if pages > 0, Self.strided(pages) != pages {
                            // A PMD-stride gather zapped huge PMDs only (tlb->cleared_pmds): no
                            // PTE table under them for free_pgtables() to free.
                            flush.freedTables = false
                        }
                    }
                    append(.sendIPIs(cpu: cpu))
                }
            case "local mm shootdown", "local shootdown":
                // A batch's flush_tlb_info has no mm: its local flush is a `local shootdown`.
                guard let index = localFlush[cpu] else { return }
                let syscall = syscallOf[line.pid]
                updateFlush(index) { flush in
                    flush.observed.local = Self.outcome(pages)
                    if flush.pagesSource == .assumed {
                        flush.pages = Self.strided(pages)
                        flush.pagesSource = .trace
                        if flush.isNested(syscall: syscall) { flush.freedTables = true }
                    }
                }
                localFlush[cpu] = nil
            case "remote shootdown":
                guard let index = receiving[cpu] else { return }
                updateReceive(index, Self.outcome(pages))
                receiving[cpu] = nil
            default:
                break
            }
            return
        case "call_function_exit", "call_function_single_exit":
            endReceiving(on: cpu)
        case "call_function_entry", "call_function_single_entry":
            break
        case "sched_process_exec":
            endSwitch(on: cpu)
            closeFlush(on: cpu)
            // exec_mmap()'s new mm, if its activate_mm() showed no flush.
            if execLeft.removeValue(forKey: line.pid) == nil {
                let mm = newMM(tgid: tgidOf[line.pid] ?? line.pid, comm: line.task, isExec: true)
                append(
                    .schedule(ObservedSwitch(line: line.number, cpu: cpu, mm: mm, flushed: false, isCompared: false)))
                running[cpu] = .some(mm)
            }
            return
        case "sched_process_exit":
            endSwitch(on: cpu)
            closeFlush(on: cpu)
            // exit_mm() ran before: the task goes on in lazy TLB mode.
            if !exited.contains(line.pid), running[cpu] != nil, running[cpu]! != nil {
                exited.insert(line.pid)
                append(
                    .schedule(ObservedSwitch(line: line.number, cpu: cpu, mm: nil, flushed: false, isCompared: false)))
                running[cpu] = .some(nil)
            }
            return
        case "ipi_send_cpu", "ipi_send_cpumask":
            // 6.5 and later: whom the initiator sends IPIs (not to a CPU whose queue already
            // holds a call: it runs the new one with it).
            if let index = openFlush[cpu] {
                let targets = Self.ipiTargets(name, fields: fields)
                updateFlush(index) { $0.sentTo.formUnion(targets) }
            }
            return
        default:
            endSwitch(on: cpu)
            closeFlush(on: cpu)
        }
        if name.hasPrefix("call_function") { return }
        endSwitch(on: cpu)
    }

    /// The CPUs of an `ipi_send_cpu: cpu=2 ...` or `ipi_send_cpumask: cpumask=0-1,3 ...` event.
    static func ipiTargets(_ name: String, fields: String) -> Set<Int> {
        if name == "ipi_send_cpu" { return Set([intField("cpu", in: fields)].compactMap { $0 }) }
        guard let list = stringField("cpumask", in: fields) else { return [] }
        var cpus: Set<Int> = []
        for part in list.split(separator: ",") {
            let bounds = part.split(separator: "-").compactMap { Int($0) }
            if bounds.count == 2, bounds[0] <= bounds[1] { cpus.formUnion(bounds[0]...bounds[1]) }
            if bounds.count == 1 { cpus.insert(bounds[0]) }
        }
        return cpus
    }

    mutating func function(_ name: String, caller: String, line: FtraceLine) {
        let cpu = line.cpu
        endSwitch(on: cpu)
        switch name {
        case "flush_tlb_mm_range":
            closeFlush(on: cpu)
            let syscall = syscallOf[line.pid]
            var flushed = running[cpu] ?? nil
            // exit_mmap(): free_pgtables() of every VMA before tlb_finish_mmu().
            var isTeardown = false
            if caller == "tlb_finish_mmu", syscall == nil, line.pid != 0 {
                if let left = execLeft[line.pid], let old = left {
                    // exec: mmput() of the mm the task left tears it down.
                    execLeft[line.pid] = .some(nil)
                    flushed = old
                    isTeardown = true
                } else if isExitTeardown(pid: line.pid, line: line.number), let mm = flushed {
                    // exit: exit_mm() left the mm loaded in lazy mode; exit_mmap() flushes it.
                    exited.insert(line.pid)
                    append(
                        .schedule(
                            ObservedSwitch(line: line.number, cpu: cpu, mm: nil, flushed: false, isCompared: false)))
                    running[cpu] = .some(nil)
                    flushed = mm
                    isTeardown = true
                }
            }
            guard let mm = flushed else {
                skipped["flush_tlb_mm_range by a kernel thread (the trace does not say whose mm)", default: 0] += 1
                return
            }
            let assumed: Int? =
                caller == "ptep_clear_flush" ? 1 : caller == "tlb_finish_mmu" ? syscall.map(\.pages) : nil
            // tlb_finish_mmu(): "if (mm_tlb_flush_nested(tlb->mm)) { tlb->fullmm = 1;
            // __tlb_reset_range(tlb); tlb->freed_tables = 1; }".
            let isNested =
                caller == "tlb_finish_mmu" && syscall != nil && !(syscall?.isMprotect ?? true)
                && gathering.contains { $0.key != line.pid && $0.value == mm }
            if caller == "tlb_finish_mmu" { gathering[line.pid] = nil }
            let flush = ObservedFlush(
                line: line.number, cpu: cpu, mm: mm, caller: caller, pages: isNested ? nil : assumed,
                pagesSource: .assumed,
                freedTables: isTeardown || isNested || Self.freesTables(caller: caller, syscall: syscall),
                observed: ReplayedFlush(path: .none, targets: [], receivers: [:], local: nil), isCompared: isWarm)
            openFlush[cpu] = append(.flush(flush))
        case "native_flush_tlb_multi":
            guard let index = openFlush[cpu] else { return }
            updateFlush(index) { $0.observed.path = .multi }
        case "flush_tlb_func" where Self.isLocalCaller(caller):
            guard let index = openFlush[cpu] else { return }
            updateFlush(index) { flush in
                flush.observed.local = .early  // until a flush follows
                if caller == "flush_tlb_mm_range" { flush.observed.path = .local }
            }
            localFlush[cpu] = index
            append(.runLocal(cpu: cpu))
        case "flush_tlb_func":
            endReceiving(on: cpu)
            receiving[cpu] = append(.receive(ObservedReceive(line: line.number, cpu: cpu, outcome: .early)))
        case "arch_tlbbatch_flush":
            closeFlush(on: cpu)
            // try_to_unmap_flush() of a migration or reclaim batch: the batch's cpumask gathered
            // the mm_cpumask of each mm whose PTE it cleared, which the trace does not show; the
            // running task's mm is assumed (NUMA migration, 6.4+; kswapd's reclaim is skipped).
            guard let mm = running[cpu] ?? nil else {
                skipped[
                    "arch_tlbbatch_flush by a kernel thread (reclaim: the trace does not say whose PTEs)", default: 0] +=
                    1
                return
            }
            var flush = ObservedFlush(
                line: line.number, cpu: cpu, mm: mm, caller: "arch_tlbbatch_flush <-\(caller)", pages: nil,
                pagesSource: .trace, freedTables: false,
                observed: ReplayedFlush(path: .none, targets: [], receivers: [:], local: nil), isCompared: isWarm)
            flush.isBatch = true
            openFlush[cpu] = append(.flush(flush))
        default:
            break
        }
    }

    // MARK: - Helpers

    @discardableResult
    mutating func append(_ request: TraceRequest) -> Int {
        requests.append(request)
        times.append(now)
        return requests.count - 1
    }

    mutating func updateFlush(_ index: Int, _ change: (inout ObservedFlush) -> Void) {
        guard case .flush(var flush) = requests[index] else { return }
        change(&flush)
        requests[index] = .flush(flush)
    }

    /// What the IPI of the receive request `index` did (an early return until a flush shows).
    mutating func updateReceive(_ index: Int, _ outcome: ReplayOutcome) {
        guard case .receive(var receive) = requests[index] else { return }
        receive.outcome = outcome
        requests[index] = .receive(receive)
    }

    mutating func endSwitch(on cpu: Int) { openSwitch[cpu] = nil }

    mutating func endReceiving(on cpu: Int) { receiving[cpu] = nil }

    /// The initiator went on: its flush is complete, and no more receivers can be its.
    mutating func closeFlush(on cpu: Int) {
        guard openFlush[cpu] != nil else { return }
        openFlush[cpu] = nil
        localFlush[cpu] = nil
        append(.finishFlush(cpu: cpu))
    }

    /// What a `flush_tlb_func()` whose `tlb_flush` event says `pages` did: -1 a full flush, N
    /// INVLPGs, 0 nothing (an early return traced at `done:` with 0 pages: 6.12 does, 6.1 returns
    /// without tracing).
    static func outcome(_ pages: Int) -> ReplayOutcome {
        pages < 0 ? .full : pages == 0 ? .early : .ranged(pages)
    }

    /// A `tlb_flush` event's pages as the flush's size: `nil` for -1 (`TLB_FLUSH_ALL`); a count
    /// beyond the ceiling that is a multiple of 512 is a PMD-stride flush (`flush_pmd_tlb_range()`:
    /// `native_flush_tlb_multi()` traces pages, `flush_tlb_func()` invalidates 2 MiB entries).
    static func strided(_ pages: Int) -> Int? {
        if pages < 0 { return nil }
        return pages > 33 && pages % 512 == 0 ? pages / 512 : pages
    }

    /// Whether a gather's flush by `pid` outside a system call at `line` is its process's
    /// `exit_mmap()`: the task exits next, with no system call before.
    func isExitTeardown(pid: Int, line: Int) -> Bool {
        guard let exit = exitLine[pid], exit > line else { return false }
        return !(syscallLines[pid] ?? []).contains { $0 > line && $0 < exit }
    }

    /// `freed_tables` of a flush from `caller`: `flush_tlb_mm()` (fork's `dup_mmap`) passes true; a
    /// gather (`tlb_finish_mmu`) has it when `free_pgtables()` freed a page table: a munmap, by
    /// the process's ``VMALayout`` where known, else when it covers an aligned 2 MiB; the other
    /// callers pass false. (A nested gather's is set when its pages show.)
    static func freesTables(caller: String, syscall: SystemCall?) -> Bool {
        switch caller {
        // fork's flush_tlb_mm(oldmm), from dup_mmap() (inlined into dup_mm(), copy_mm() or
        // copy_process() in some builds: 6.12's).
        case "dup_mmap", "dup_mm", "copy_mm", "copy_process": true
        case "tlb_finish_mmu": syscall?.freesTables ?? false
        default: false
        }
    }

    /// The callers of the initiator's own `flush_tlb_func()`.
    static func isLocalCaller(_ caller: String) -> Bool {
        caller == "flush_tlb_mm_range" || caller == "smp_call_function_many_cond"
    }

    /// `name=VALUE` in a `sched_switch`'s fields.
    static func stringField(_ name: String, in fields: String) -> String? {
        guard let range = fields.range(of: name + "=") else { return nil }
        return String(fields[range.upperBound...].prefix { $0 != " " })
    }

    static func intField(_ name: String, in fields: String) -> Int? {
        stringField(name, in: fields).flatMap { Int($0) }
    }

    /// The hexadecimal argument `NAME: 8000` of a syscall event, the first of `names` present.
    static func hexArgument(_ names: [String], in arguments: String) -> Int? {
        for name in names {
            guard let range = arguments.range(of: name + ": ") else { continue }
            return Int(arguments[range.upperBound...].prefix { $0.isHexDigit }, radix: 16)
        }
        return nil
    }
}

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

extension ObservedFlush {
    /// Whether this is a gather that `tlb_finish_mmu()` found nested (another gather of the mm in
    /// progress, `mm_tlb_flush_nested()`): it then flushes the whole mm with `freed_tables` set,
    /// so a whole-mm flush of a range within the ceiling says so.
    func isNested(syscall: SystemCall?) -> Bool {
        guard caller == "tlb_finish_mmu", pages == nil, let syscall else { return false }
        return syscall.pages <= 33
    }
}
