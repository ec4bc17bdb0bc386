import ShootdownModel

/// The reconstruction's pass over the lines, with its per-CPU state.
struct TraceWorkloadBuilder {
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
                if let child = TraceStats.field("child_pid", in: fields) { parentOf[child] = line.pid }
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
            // The switch's own lines are missing (a lost event): whatever the CPU had open ends.
            closeFlush(on: cpu)
            endReceiving(on: cpu)
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
                arguments.hasPrefix("0x"), let start = Int(arguments.dropFirst(2), radix: 16),
                Self.isUserRange(start: start, length: length)
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
            let start = Self.hexArgument(["addr", "start"], in: arguments),
            // A range past user space fails (-EINVAL, -ENOMEM) before any flush; an empty one
            // flushes nothing (munmap's -EINVAL, madvise's and mprotect's early 0).
            Self.isUserRange(start: start, length: length)
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
        guard let pid = TraceStats.field("next_pid", in: fields) else { return }
        let next = pid == 0 ? nil : mm(ofPID: pid, comm: Self.stringField("next_comm", in: fields))
        let index = append(
            .schedule(ObservedSwitch(line: line.number, cpu: cpu, mm: next, flushed: false, isCompared: isWarm)))
        openSwitch[cpu] = index
        running[cpu] = .some(next)
        sawSwitch[cpu] = true
        if !isWarm, sawSwitch.allSatisfy({ $0 }) { isWarm = true }
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

    /// Whether `start..<start + length` is a non-empty range of x86-64 user addresses (below
    /// 2^47, 4-level paging's TASK_SIZE_MAX).
    static func isUserRange(start: Int, length: Int) -> Bool {
        length > 0 && start < 1 << 47 && length <= (1 << 47) - start
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

extension ObservedFlush {
    /// Whether this is a gather that `tlb_finish_mmu()` found nested (another gather of the mm in
    /// progress, `mm_tlb_flush_nested()`): it then flushes the whole mm with `freed_tables` set,
    /// so a whole-mm flush of a range within the ceiling says so.
    func isNested(syscall: SystemCall?) -> Bool {
        guard caller == "tlb_finish_mmu", pages == nil, let syscall else { return false }
        return syscall.pages <= 33
    }
}
