/// One CPU: its TLB, its `cpu_tlbstate`, what it runs, and the kernel code it is in.
public struct CPU: Hashable, Sendable {
    /// The hardware TLB (all ASIDs).
    public var tlb: TLB
    /// The paging-structure caches (of the page tables a scenario can free).
    public var pagingStructures = PagingStructureCache()
    /// `cpu_tlbstate` and `cpu_tlbstate_shared`.
    public var tlbState = CPUTLBState()
    /// The thread running, or `nil` for the idle task.
    public var current: Int?
    /// The kernel call stack: innermost call last. Empty in user mode or idle.
    public var stack: [KernelCall] = []
    /// The pages the running `mmu_gather` will free after its flush (`tlb->local` and its
    /// batches). Kept with the CPU rather than in the frame, so that frames hold no reference
    /// and copy as plain bytes: a CPU runs at most one `mmu_gather` at a time, since kernel paths
    /// are not preempted in the model.
    public var gatherFrames: [Int] = []
    /// Pending flush IPIs in arrival order (the `call_single_queue`), each with the initiator's
    /// `flush_tlb_info` as it was when queued (the initiator keeps it unchanged until every
    /// target acknowledged).
    public var mailbox = Mailbox()
    /// This CPU's `flush_tlb_info`, filled while it initiates a flush.
    public var flushInfo: FlushTLBInfo?
    /// `cfd_data->cpumask` of this CPU: the targets `smp_call_function_many_cond()` has yet
    /// to consider while it initiates a flush.
    public var cfdMask = CPUMask.empty
    /// Acknowledgements this CPU still waits for (its `call_function_data` csds still locked).
    public var pendingAcks = 0

    /// A CPU at boot with `tlb` empty.
    public init(tlb: TLB = TLB()) {
        self.tlb = tlb
    }

    /// Whether interrupts are enabled: in user mode, idle, and in kernel paths except
    /// `switch_mm_irqs_off` and `flush_tlb_func`, which run with interrupts off.
    public var irqsEnabled: Bool { stack.last?.irqsEnabled ?? true }
}

/// A CPU's `call_single_queue`: the flush IPIs queued to it and not yet taken, oldest first,
/// each with the initiator's `flush_tlb_info` as it was when queued.
public typealias Mailbox = FIFO<FlushTLBInfo>

/// `struct flush_tlb_info`: what a flush asks its targets to do.
public struct FlushTLBInfo: Hashable, Sendable {
    /// The address space; `f->mm`; `nil` for reclaim's batched flush, which flushes whatever
    /// mm each target has loaded.
    public var mm: Int?
    /// First page; 0 for a full flush.
    public var start: Int
    /// One past the last page, or `nil` for `TLB_FLUSH_ALL`.
    public var end: Int?
    /// `freed_tables`: page tables were freed, so lazy CPUs must be interrupted too.
    public var freedTables: Bool
    /// `new_tlb_gen`: the generation this flush brings its targets to.
    public var newTLBGen: UInt64
    /// `initiating_cpu`.
    public var initiatingCPU: Int
    /// `1 << stride_shift` in pages: 1, or a page table's pages (`PMD_SHIFT`) when the flush
    /// covers huge PMDs only: one INVLPG a huge page.
    public var stride: Int {
        get { Int(_stride) }
        set { _stride = UInt16(newValue) }
    }
    // 16 bits: the info is copied into every mailbox entry.
    private var _stride: UInt16 = 1

    /// A flush's description, as `get_flush_tlb_info()` fills it.
    public init(
        mm: Int?, start: Int, end: Int?, freedTables: Bool, newTLBGen: UInt64, initiatingCPU: Int, stride: Int = 1
    ) {
        self.mm = mm
        self.start = start
        self.end = end
        self.freedTables = freedTables
        self.newTLBGen = newTLBGen
        self.initiatingCPU = initiatingCPU
        self.stride = stride
    }

    /// Whether this is `TLB_FLUSH_ALL`.
    public var isFullFlush: Bool { end == nil }
}
