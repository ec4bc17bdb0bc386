/// A small, exact setup for the engines: CPUs, address spaces with their mappings, and
/// threads with scripts. Scenarios are static; ``MachineState`` is what changes.
public struct Scenario: Hashable, Sendable {
    /// An address space and what is mapped in it at the start.
    public struct AddressSpaceSpec: Hashable, Sendable {
        /// The name scripts and timelines use.
        public var name: String
        /// VMAs at the start.
        public var mappings: [Mapping]
    }

    /// A VMA at the start: pages, protection, and whether its pages are already faulted in.
    public struct Mapping: Hashable, Sendable {
        public var range: PageRange
        public var protection: Protection
        /// The pages have frames and present PTEs from the start.
        public var isPopulated: Bool
        /// `madvise(MADV_HUGEPAGE)` on a range of whole, aligned page tables (`map ... huge`):
        /// faults allocate transparent huge pages, one PMD entry per table's range, and a
        /// populated one starts so mapped.
        public var isHuge = false

        /// A VMA over `range`.
        public init(range: PageRange, protection: Protection, isPopulated: Bool, isHuge: Bool = false) {
            self.range = range
            self.protection = protection
            self.isPopulated = isPopulated
            self.isHuge = isHuge
        }
    }

    /// A thread: user thread of an mm, or kernel thread (`mm == nil`), pinned to a CPU.
    public struct ThreadSpec: Hashable, Sendable {
        public var name: String
        /// Index into ``addressSpaces``; `nil` for a kernel thread.
        public var mm: Int?
        public var cpu: Int
        public var script: [Operation]
        /// A kernel thread's address space to work on (`kthread NAME cpu=N target=MM`): its
        /// `reclaim`, `migrate` and `collapse` change that mm's pages from a CPU that does not
        /// run it (kswapd, kcompactd, khugepaged); `nil` for a user thread, which works on its own.
        public var target: Int? = nil

        /// The address space the thread's operations change: its own, or a kernel thread's target.
        public var worksOn: Int? { mm ?? target }
    }

    /// The name (`shootdown list`) or the file it came from.
    public var name: String
    /// One line on what the scenario exercises.
    public var summary: String
    /// Number of CPUs.
    public var cpuCount: Int
    /// Virtual pages per address space.
    public var pagesPerAddressSpace: Int
    /// PTEs per page-table page: 512 as on x86-64, or fewer so that a small scenario spreads
    /// over several page-table pages (with their own split PTLs).
    public var ptesPerTable = 512
    /// Whether the CPUs have PCID (`X86_FEATURE_PCID`): without it (`pcid off`, as on older
    /// CPUs and many VMs) `choose_new_asid()` always answers ASID 0 with a flush, so every switch
    /// to another mm reloads CR3 with a full flush and the TLB keeps one address space's entries.
    public var hasPCID = true
    /// Whether the CPUs have AMD's broadcast invalidation (`X86_FEATURE_INVLPGB`, `invlpgb on`):
    /// a scheme that uses it (``Scheme/usesBroadcastInvalidation``, `linux-6.15`) gives a busy
    /// multi-threaded mm a global ASID and flushes it with INVLPGB and TLBSYNC instead of IPIs.
    /// Others ignore it, as a kernel before 6.15 does.
    public var hasINVLPGB = false
    /// `consider_global_asid()` gives an mm a global ASID when it is active on more than this
    /// many CPUs (`mm_active_cpus_exceeds(mm, 3)`: 3 in the kernel). A heuristic, not a safety
    /// rule: a smaller value lets a scenario of two or three CPUs reach the global ASID and
    /// its transition (`invlpgb on threshold 1`).
    public var globalASIDThreshold = 3
    /// Physical frames in the machine.
    public var frameCount: Int
    public var addressSpaces: [AddressSpaceSpec]
    public var threads: [ThreadSpec]
    /// Event names, by index.
    public var events: [String]

    /// The most operations a thread's script may have (revocations name theirs in 16 bits).
    public static let maxOperations = 60_000
    /// The most address spaces a scenario may have (TLB entries and frames name theirs in a byte).
    public static let maxAddressSpaces = 256
    /// The most VMAs an address space may have had (``AddressSpace/vmaIndex`` names them in 16
    /// bits): its `map` lines, then one for each `mmap` and `mremap` it runs, never reused.
    public static let maxVMAs = 65_535

    /// The VMAs a run may create, over every address space: a bound on any one's count, since
    /// fork hands a child its parent's count.
    var vmasCreated: Int {
        addressSpaces.reduce(0) { $0 + $1.mappings.count }
            + threads.reduce(0) { sum, thread in
                sum
                    + thread.script.count { op in
                        switch op {
                        case .mmap, .mremap: true
                        default: false
                        }
                    }
            }
    }

    /// The threads pinned to `cpu`, in scenario order.
    public func threads(on cpu: Int) -> [Int] {
        threads.indices.filter { threads[$0].cpu == cpu }
    }

    /// The address space's name, or `init_mm`.
    public func mmName(_ mm: Int) -> String { mm == initMM ? "init_mm" : addressSpaces[mm].name }
}
