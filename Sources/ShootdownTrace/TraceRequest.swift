import ShootdownModel

/// One thing the traced kernel did that the model replays (``TraceWorkload``), with what the
/// trace shows it did.
public enum TraceRequest: Hashable, Sendable {
    /// A context switch, or an exec's switch to its new mm.
    case schedule(ObservedSwitch)
    /// A `flush_tlb_mm_range()` call: the initiator bumps the generation.
    case flush(ObservedFlush)
    /// The initiator on `cpu` reads the cpumask and sends its IPIs (`remote ipi send`).
    case sendIPIs(cpu: Int)
    /// The initiator on `cpu` runs its own `flush_tlb_func()`.
    case runLocal(cpu: Int)
    /// A CPU takes a flush IPI (`flush_tlb_func <-__flush_smp_call_function_queue`).
    case receive(ObservedReceive)
    /// The initiator on `cpu` went on: the IPIs of its flush the trace did not show taken are
    /// taken now, and its `flush_tlb_mm_range()` returns.
    case finishFlush(cpu: Int)
}

extension TraceRequest {
    /// The CPU the request runs on.
    public var cpu: Int {
        switch self {
        case .schedule(let s): s.cpu
        case .flush(let f): f.cpu
        case .receive(let r): r.cpu
        case .sendIPIs(let cpu), .runLocal(let cpu), .finishFlush(let cpu): cpu
        }
    }

    /// What it is, for a person: `cpu2 sched_switch (line 1203)`.
    public var summary: String {
        switch self {
        case .schedule(let s): "cpu\(s.cpu)'s switch at line \(s.line)"
        case .flush(let f): "cpu\(f.cpu)'s flush_tlb_mm_range at line \(f.line)"
        case .receive(let r): "cpu\(r.cpu)'s IPI at line \(r.line)"
        case .sendIPIs(let cpu): "cpu\(cpu)'s IPIs"
        case .runLocal(let cpu): "cpu\(cpu)'s own flush_tlb_func"
        case .finishFlush(let cpu): "cpu\(cpu)'s return from flush_tlb_mm_range"
        }
    }
}

/// A `sched_switch` (or an exec's `activate_mm()`) as the trace shows it.
public struct ObservedSwitch: Hashable, Sendable {
    /// The line of the `sched_switch` event (or of the line that showed the switch).
    public var line: Int
    public var cpu: Int
    /// The next task's address space; `nil` for a kernel thread or the idle task.
    public var mm: Int?
    /// Whether a `flush on task switch` followed on that CPU.
    public var flushed: Bool
    /// Whether to compare the model's switch with it: not for switches the trace only implies
    /// (a CPU's first line, an exec), nor before every CPU's first `sched_switch`.
    public var isCompared: Bool
}

/// A CPU's `flush_tlb_func()` for another CPU's flush, as the trace shows it. The trace does not
/// say whose flush (6.1 has no `ipi_send_*` events): the replay attaches it to the flush the model
/// has an IPI pending from, else to the oldest unfinished multi-CPU flush it has not answered.
public struct ObservedReceive: Hashable, Sendable {
    public var line: Int
    public var cpu: Int
    /// What it did: a `remote shootdown` (ranged or full), a `flush on task switch` (it left
    /// lazy mode), or nothing (an early return).
    public var outcome: ReplayOutcome
}

/// A `flush_tlb_mm_range()` call as the trace shows it.
public struct ObservedFlush: Hashable, Sendable {
    /// The function tracer's `flush_tlb_mm_range <-CALLER` line.
    public var line: Int
    /// The initiator.
    public var cpu: Int
    /// The initiator's address space.
    public var mm: Int
    /// The initiating path: the caller of `flush_tlb_mm_range` (`ptep_clear_flush`, `tlb_finish_mmu`, ...).
    public var caller: String
    /// The size flushed: pages, or `nil` for `TLB_FLUSH_ALL` (more than the 33-page ceiling, or
    /// the whole mm).
    public var pages: Int?
    /// Where ``pages`` came from.
    public var pagesSource: PagesSource
    /// `freed_tables`, which the trace does not record (``TraceWorkload`` says what it assumed).
    public var freedTables: Bool
    /// What the traced kernel did: its path and the initiator's own `flush_tlb_func()` (the
    /// receivers are attached as the replay meets them: ``TraceValidation``).
    public var observed: ReplayedFlush
    /// Whether to compare: not before every CPU's first `sched_switch` (the model does not know
    /// what they ran before).
    public var isCompared: Bool
    /// `arch_tlbbatch_flush()` of a batch (``caller`` names it): no mm in its `flush_tlb_info`,
    /// the batch's cpumask instead of the mm's.
    public var isBatch = false
    /// The CPUs its `ipi_send_cpu`/`ipi_send_cpumask` events name (6.5 and later; empty before).
    public var sentTo: Set<Int> = []

    /// Where a flush's size came from.
    public enum PagesSource: String, Hashable, Sendable, Codable {
        /// The initiator's `tlb_flush` event (`remote ipi send` or `local mm shootdown`).
        case trace
        /// No flush ran on the initiator: the system call's length (munmap, madvise, mprotect),
        /// one page for `ptep_clear_flush`, the whole mm otherwise.
        case assumed
    }
}
