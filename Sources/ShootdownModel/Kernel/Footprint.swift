/// A piece of state other CPUs can see, at the granularity the checker's partial-order
/// reduction uses to tell whether two actions of different CPUs commute.
///
/// Ghost state follows the real state it describes: the revocation marks of a page's TLB entries
/// are part of ``page(mm:page:)``, those reached through a freed frame part of ``frame(_:)``.
/// CPU-local state (the stack, `cpu_tlbstate` but `is_lazy` and `loaded_mm`, the TLB's entries)
/// is touched only by the CPU itself, and actions of one CPU are always treated as dependent; the
/// one exception, a broadcast invalidation (INVLPGB, 6.15) dropping entries from every TLB, writes
/// the pages it invalidates. The oracles, whose flushes read other CPUs' TLB entries, break the
/// rule: the checker runs them without sleep sets (`ExhaustiveChecker.appliesSleepSets`), and no
/// step of theirs that touches nothing shared moves.
public enum Location: Hashable, Sendable {
    case tlbGen(mm: Int)
    /// `mm->context.global_asid` (6.15); it shares ``Kind/tlbGen`` with `tlb_gen`, told apart
    /// by the second field.
    case globalASID(mm: Int)
    /// `mm->context.asid_transition` (6.15), in ``Kind/tlbGen`` too.
    case asidTransition(mm: Int)
    /// The global ASID allocator and its `global_asid_lock` (6.15), in ``Kind/tlbGen`` too.
    case globalASIDSpace
    case cpumask(mm: Int)
    /// `mm->context.next_trim_cpumask` against `jiffies` (``Operation/tick``); it shares
    /// ``Kind/cpumask`` with the cpumask, told apart by the second field.
    case nextTrim(mm: Int)
    /// `tlb_flush_pending`, and the RFC's `tlb_gen_completed` and per-VMA `defer_tlb_gen`.
    case flushPending(mm: Int)
    /// `tlb_flush_batched`.
    case flushBatched(mm: Int)
    /// The mm's flush ring (the ring schemes).
    case ring(mm: Int)
    /// `mmap_lock`, and the VMAs it protects where a step reads them holding it.
    case mmapLock(mm: Int)
    /// The mm's VMAs, where a step that does not hold `mmap_lock` reads them
    /// (`remove_migration_pte()`'s `vma->vm_page_prot`, found through the rmap) and where a
    /// step holding it for writing changes them; it shares ``Kind/mmapLock`` with the lock, told
    /// apart by the second field, so that a step that takes the lock and changes the VMAs is
    /// no right mover.
    case vmas(mm: Int)
    case ptl(mm: Int, table: Int)
    /// A PTE and the revocation marks of the TLB entries that cached it.
    case page(mm: Int, page: Int)
    case isLazy(cpu: Int)
    /// `cpu_tlbstate.loaded_mm`, where other CPUs read it (``Scheme/loadedMMSwitching``); it
    /// shares ``Kind/isLazy`` with `is_lazy`, told apart by the second field.
    case loadedMM(cpu: Int)
    case mailbox(cpu: Int)
    /// The acknowledgements an initiator waits for.
    case acks(cpu: Int)
    case event(Int)
    /// The scheduling state of the threads pinned to a CPU.
    case runqueue(cpu: Int)
    case allocator
    /// Revocation marks of TLB entries reaching a frame.
    case frame(Int)
    /// Which of the mm's page-table pages are hooked, unhooked or freed, and what the CPUs'
    /// paging-structure caches hold of them (touched only where the model tracks them).
    case pageTables(mm: Int)

    /// The location packed in 32 bits: kind in the top 4 (``Kind``), then two 14-bit fields.
    /// Equal locations have equal codes.
    @inline(__always)
    package var code: UInt32 {
        func pack(_ kind: UInt32, _ a: Int, _ b: Int = 0) -> UInt32 {
            kind << 28 | UInt32(truncatingIfNeeded: a & 0x3FFF) << 14 | UInt32(truncatingIfNeeded: b & 0x3FFF)
        }
        return switch self {
        case .tlbGen(let mm): pack(Kind.tlbGen, mm)
        case .globalASID(let mm): pack(Kind.tlbGen, mm, 1)
        case .asidTransition(let mm): pack(Kind.tlbGen, mm, 2)
        case .globalASIDSpace: pack(Kind.tlbGen, 0, 3)
        case .cpumask(let mm): pack(Kind.cpumask, mm)
        case .nextTrim(let mm): pack(Kind.cpumask, mm, 1)
        case .flushPending(let mm): pack(Kind.flushPending, mm)
        case .mmapLock(let mm): pack(Kind.mmapLock, mm)
        case .vmas(let mm): pack(Kind.mmapLock, mm, 1)
        case .ptl(let mm, let table): pack(Kind.ptl, mm, table)
        case .page(let mm, let page): pack(Kind.page, mm, page)
        case .isLazy(let cpu): pack(Kind.isLazy, cpu)
        case .loadedMM(let cpu): pack(Kind.isLazy, cpu, 1)
        case .mailbox(let cpu): pack(Kind.mailbox, cpu)
        case .acks(let cpu): pack(Kind.acks, cpu)
        case .event(let event): pack(Kind.event, event)
        case .runqueue(let cpu): pack(Kind.runqueue, cpu)
        case .allocator: pack(Kind.allocator, 0)
        case .frame(let frame): pack(Kind.frame, frame)
        case .flushBatched(let mm): pack(Kind.flushBatched, mm)
        case .ring(let mm): pack(Kind.ring, mm)
        case .pageTables(let mm): pack(Kind.pageTables, mm)
        }
    }

    /// The kinds of location, as the top 4 bits of their ``code``: an engine that handles codes
    /// dispatches on them without building the location. Public inlinable constants, so that
    /// the tests fold across modules: the `package` ones of Swift 6.3 were calls there, on
    /// every write the simulator handles.
    public enum Kind {
        @inlinable public static var tlbGen: UInt32 { 0 }
        @inlinable public static var cpumask: UInt32 { 1 }
        @inlinable public static var flushPending: UInt32 { 2 }
        @inlinable public static var mmapLock: UInt32 { 3 }
        @inlinable public static var ptl: UInt32 { 4 }
        @inlinable public static var page: UInt32 { 5 }
        @inlinable public static var isLazy: UInt32 { 6 }
        @inlinable public static var mailbox: UInt32 { 7 }
        @inlinable public static var acks: UInt32 { 8 }
        @inlinable public static var event: UInt32 { 9 }
        @inlinable public static var runqueue: UInt32 { 10 }
        @inlinable public static var allocator: UInt32 { 11 }
        @inlinable public static var frame: UInt32 { 12 }
        @inlinable public static var flushBatched: UInt32 { 13 }
        @inlinable public static var ring: UInt32 { 14 }
        @inlinable public static var pageTables: UInt32 { 15 }

        /// The kind of the location `code` stands for.
        @inlinable
        public static func of(_ code: UInt32) -> UInt32 { code >> 28 }
    }

    /// The first field of the location `code` stands for: its CPU, mm, event or frame.
    @inlinable
    package static func firstField(of code: UInt32) -> Int { Int(code >> 14 & 0x3FFF) }
}

extension Location {
    /// Whether writing this location can let a CPU waiting on it run, or stop one: a mailbox
    /// (an IPI to take), acknowledgements (a flush waiting for them), a run queue (a thread
    /// woken), `mmap_lock` and a PTL (a lock released or taken), `loaded_mm` (6.15's
    /// `finish_asid_transition()` waits while it is `LOADED_MM_SWITCHING`). A CPU's readiness
    /// (``World/readiness(_:)``) reads nothing else that another CPU writes.
    @inline(__always)
    var isWakeUp: Bool {
        switch self {
        case .mailbox, .acks, .runqueue, .mmapLock, .ptl, .loadedMM: true
        default: false
        }
    }

    /// Whether this is `mmap_lock` or a page-table lock.
    var isLock: Bool {
        switch self {
        case .mmapLock, .ptl: true
        default: false
        }
    }

    /// The location `code` stands for (the inverse of ``code``).
    package init(code: UInt32) {
        let a = Location.firstField(of: code)
        let b = Int(code & 0x3FFF)
        self =
            switch Kind.of(code) {
            case Kind.tlbGen:
                switch b {
                case 0: .tlbGen(mm: a)
                case 1: .globalASID(mm: a)
                case 2: .asidTransition(mm: a)
                default: .globalASIDSpace
                }
            case Kind.cpumask: b == 0 ? .cpumask(mm: a) : .nextTrim(mm: a)
            case Kind.flushPending: .flushPending(mm: a)
            case Kind.mmapLock: b == 0 ? .mmapLock(mm: a) : .vmas(mm: a)
            case Kind.ptl: .ptl(mm: a, table: b)
            case Kind.page: .page(mm: a, page: b)
            case Kind.isLazy: b == 0 ? .isLazy(cpu: a) : .loadedMM(cpu: a)
            case Kind.mailbox: .mailbox(cpu: a)
            case Kind.acks: .acks(cpu: a)
            case Kind.event: .event(a)
            case Kind.runqueue: .runqueue(cpu: a)
            case Kind.allocator: .allocator
            case Kind.frame: .frame(a)
            case Kind.flushBatched: .flushBatched(mm: a)
            case Kind.ring: .ring(mm: a)
            default: .pageTables(mm: a)
            }
    }
}

/// The shared state one action read and wrote, in fixed inline storage (no allocation: it is
/// recorded on every step).
public struct Footprint: Hashable, Sendable {
    /// What a footprint records.
    public enum Scope: Hashable, Sendable {
        /// Every location read or written: what the checker's partial-order reduction needs.
        case all
        /// Only writes of wake-up locations (``Location/isWakeUp``): all the timed
        /// simulation watches, so that most steps record nothing.
        case wakeUps
    }

    /// Locations kept exactly; more make the footprint conflict with everything.
    public static let capacity = 8

    /// Location codes, the write bit in bit 31... kept apart: `codes[i]` with `isWrite[i]`.
    @usableFromInline var codes: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
        0, 0, 0, 0, 0, 0, 0, 0
    )
    @usableFromInline var writeBits: UInt8 = 0
    /// Writes that are commutative updates (``add(_:write:)`` with `update`), among `writeBits`.
    @usableFromInline var updateBits: UInt8 = 0
    @usableFromInline var count: UInt8 = 0
    /// More locations than ``capacity``: conservatively dependent on every action.
    public private(set) var isEverything = false

    /// No location.
    public init() {}

    public static func == (a: Footprint, b: Footprint) -> Bool {
        a.isEverything == b.isEverything && a.count == b.count && a.writeBits == b.writeBits
            && a.updateBits == b.updateBits
            && (0..<Int(a.count)).allSatisfy { a.code(at: $0) == b.code(at: $0) }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(isEverything)
        hasher.combine(writeBits)
        hasher.combine(updateBits)
        for i in 0..<Int(count) { hasher.combine(code(at: i)) }
    }

    @inlinable
    func code(at i: Int) -> UInt32 {
        withUnsafeBytes(of: codes) { $0.load(fromByteOffset: i * 4, as: UInt32.self) }
    }

    private mutating func setCode(_ code: UInt32, at i: Int) {
        withUnsafeMutableBytes(of: &codes) { $0.storeBytes(of: code, toByteOffset: i * 4, as: UInt32.self) }
    }

    @inlinable
    func isWrite(at i: Int) -> Bool { writeBits & (1 << UInt8(i)) != 0 }

    /// Whether the write at `i` is a commutative update (``add(_:write:update:)``).
    @inlinable
    func isUpdate(at i: Int) -> Bool { updateBits & (1 << UInt8(i)) != 0 }

    /// Whether the step touched nothing another CPU can see: only its own CPU's state (a CR3
    /// load of `init_mm`, say), which commutes with every step of every other CPU.
    public var isEmpty: Bool { count == 0 && !isEverything }

    /// Conflicts with every action from now on (a step that touches more than is worth listing:
    /// INVLPGB of every TLB entry).
    mutating func addEverything() { isEverything = true }

    mutating func reset() {
        count = 0
        writeBits = 0
        updateBits = 0
        isEverything = false
    }

    /// Records an access to `code`. An `update` is a write that commutes with every other
    /// update of the location and reads nothing of it (a counter's increment or decrement whose
    /// result the step does not look at): two updates do not conflict. A step that reads or
    /// plainly writes a location it also updates makes the access a plain write.
    mutating func add(_ code: UInt32, write: Bool, update: Bool = false) {
        if isEverything { return }
        for i in 0..<Int(count) where self.code(at: i) == code {
            let bit: UInt8 = 1 << UInt8(i)
            if !(update && updateBits & bit != 0) {
                writeBits |= write || updateBits & bit != 0 ? bit : 0
                updateBits &= ~bit
            }
            return
        }
        guard Int(count) < Self.capacity else {
            isEverything = true
            return
        }
        setCode(code, at: Int(count))
        if write || update { writeBits |= 1 << UInt8(count) }
        if update { updateBits |= 1 << UInt8(count) }
        count += 1
    }

    /// Adds every access of `other`, as ``add(_:write:update:)`` does one: the footprint of
    /// two steps run in one action.
    mutating func formUnion(_ other: Footprint) {
        if other.isEverything { isEverything = true }
        other.forEachAccess { add($0, write: $1, update: $2) }
    }

    /// Whether executing the two actions in either order could differ: one writes what the
    /// other reads or writes, unless both are updates (``add(_:write:update:)``).
    public func conflicts(with other: Footprint) -> Bool {
        if isEverything || other.isEverything { return true }
        for i in 0..<Int(count) {
            let code = self.code(at: i)
            for j in 0..<Int(other.count) where other.code(at: j) == code {
                if (isWrite(at: i) || other.isWrite(at: j)) && !(isUpdate(at: i) && other.isUpdate(at: j)) {
                    return true
                }
            }
        }
        return false
    }

    /// Calls `body` with the ``Location/code`` of each location written, in the order first
    /// touched (all of them are not known when ``isEverything``).
    @inlinable
    package func forEachWrittenCode(_ body: (UInt32) -> Void) {
        for i in 0..<Int(count) where isWrite(at: i) { body(code(at: i)) }
    }

    /// Calls `body` with the ``Location/code`` of each location touched and whether it was
    /// written, updates included (none when ``isEverything``).
    package func forEachCode(_ body: (UInt32, Bool) -> Void) {
        for i in 0..<Int(count) { body(code(at: i), isWrite(at: i)) }
    }

    /// Calls `body` with the ``Location/code`` of each location touched, whether it was written
    /// and whether that write was a commutative update (none when ``isEverything``).
    package func forEachAccess(_ body: (_ code: UInt32, _ write: Bool, _ update: Bool) -> Void) {
        for i in 0..<Int(count) { body(code(at: i), isWrite(at: i), isUpdate(at: i)) }
    }

    /// The locations read and written, for diagnostics.
    public var description: String {
        (0..<Int(count)).map { "\(isWrite(at: $0) ? "W" : "R"):\(String(code(at: $0), radix: 16))" }
            .joined(separator: " ") + (isEverything ? " (everything)" : "")
    }
}
