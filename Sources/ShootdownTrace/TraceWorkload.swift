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
    /// What the traced kernel did, counted as the model counts (``Counters/init(traced:)``), less
    /// the switch flushes the replay has no switch for.
    public var traced: Counters
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
        var builder = TraceWorkloadBuilder(lines: trace.lines)
        try builder.check()
        builder.run()
        cpus = builder.cpuCount
        names = builder.names
        let stats = trace.stats
        self.hasPCID = hasPCID ?? (stats.pcid != "absent")
        vmstat = stats.vmstat
        // The kernel's own row, without the switch flushes no replayed switch makes (text_poke()'s
        // temporary mm, which patches code while tracing is being set up).
        traced = Counters(traced: trace.lines)
        traced.fullFlushesSwitch -= builder.skipped[TraceWorkloadBuilder.unreplayedSwitchFlush] ?? 0
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
