/// The safety oracle: revocations, their coherence points, and the check at every use.
///
/// A PTE change that removes or reduces a translation *opens* a revocation on every TLB entry
/// (any CPU, any ASID) filled from the old PTE. The revocation becomes *due* when the
/// operation returns to its caller, or when any other munmap/madvise/mprotect covering the page
/// returns (its caller may rely on the page being gone too: the 2017 parallel MADV_DONTNEED bug).
/// Using an entry with a due revocation is a violation. None of this is visible to the model's
/// kernel code: it reads only the ghost fields of ``TLBEntry``.
extension World {
    /// Marks the TLB entries of `page` in `mm` that predate the PTE change.
    /// - Parameter removesTranslation: the change removed the translation (else: write permission).
    mutating func openRevocation(mm: Int, page: Int, removesTranslation: Bool, thread: Int, op: Int) {
        let revocation = Revocation(thread: thread, op: op, coveredBy: ThreadSet(thread), isDue: false)
        updateTLBEntries(mm: mm, pages: page..<page + 1) { entry in
            if removesTranslation {
                if entry.unmapped == nil { entry.unmapped = revocation }
            } else if entry.isWritable, entry.writeRevoked == nil {
                entry.writeRevoked = revocation
            }
        }
    }

    /// An operation of `thread` takes the PTL of `pages`: the revocations already open there are
    /// ones its caller will rely on being complete when it returns.
    mutating func coverRevocations(mm: Int, pages: Range<Int>, thread: Int) {
        for page in pages { touch(.page(mm: mm, page: page), write: true) }
        updateTLBEntries(mm: mm, pages: pages) { entry in
            entry.unmapped?.coveredBy.insert(thread)
            entry.writeRevoked?.coveredBy.insert(thread)
        }
    }

    /// The operation returns: every open revocation of its pages that its caller may rely on
    /// becomes due (mprotect to a readable protection promises only that no write gets through).
    mutating func reachCoherencePoint(of call: PTEBatchCall) {
        var promisesGone = true
        if case .mprotect(let prot) = call.kind, prot != .none { promisesGone = false }
        reachCoherencePoint(
            mm: call.mm, range: call.range, thread: call.thread, op: call.op, promisesGone: promisesGone)
    }

    /// Makes due the revocations of `range` that `thread`'s operation `op` opened or covered.
    /// - Parameter promisesGone: the caller relies on no translation at all (else: no write).
    mutating func reachCoherencePoint(mm: Int, range: PageRange, thread: Int, op: Int, promisesGone: Bool) {
        let pages = range.start..<range.end
        for page in pages { touch(.page(mm: mm, page: page), write: true) }
        updateTLBEntries(mm: mm, pages: pages, makesDue: true) { entry in
            if let r = entry.unmapped, r.coveredBy.contains(thread) {
                if promisesGone {
                    entry.unmapped?.isDue = true
                } else if entry.isWritable, entry.writeRevoked == nil {
                    // mprotect(PROT_READ) found the PTE already unmapped (reclaim, say)
                    // and returns promising no write gets through: a write through the
                    // entry is now stale, though the unmap's own point comes later.
                    entry.writeRevoked = Revocation(
                        thread: thread, op: op, coveredBy: ThreadSet(thread), isDue: true)
                }
            }
            if let r = entry.writeRevoked, r.coveredBy.contains(thread) { entry.writeRevoked?.isDue = true }
        }
    }

    /// fork shares `frame`, mapped at `page` of `mm`, copy-on-write (`copy_present_pte()`,
    /// `copy_huge_pmd()`): the last moment for an entry a deferred change left on it (a NUMA
    /// hint's PROT_NONE, whose coherence point is the frame's copy) to live, for a write through
    /// it would now reach the child's page too. Linux has none left by then (the hint flushed
    /// before it dropped `mmap_lock`, which fork holds for writing); `oracle-hw`, which never
    /// flushes, drops them here.
    mutating func shareCopyOnWrite(mm: Int, page: Int, frame: Int) {
        updateTLBEntries(mm: mm, pages: page..<page + 1, makesDue: true) { entry in
            if entry.frame == frame, entry.unmapped != nil { entry.unmapped?.isDue = true }
        }
    }

    /// Applies `change` to every TLB entry of a page of `pages` of `mm`: on the CPUs the
    /// ``GhostIndex`` says may hold one (every CPU without an index), forgetting those that hold
    /// none. `makesDue`: the change can make revocations due, so `oracle-hw` drops them on each
    /// CPU visited (the others have no entry to come due).
    mutating func updateTLBEntries(
        mm: Int, pages: Range<Int>, makesDue: Bool = false, _ change: (inout TLBEntry) -> Void
    ) {
        for cpu in ghostIndex?.cpus(mm: mm, pages: pages) ?? setup.allCPUs {
            let found = state.cpus[cpu].tlb.updateEntries(mm: mm, pages: pages, change)
            if found == 0 { ghostIndex?.forget(cpu: cpu, mm: mm, pages: pages) }
            if makesDue { S.revocationsCameDue(in: &self, cpu: cpu) }
        }
    }

    /// `put_page()`: drops a mapping's reference; with the last one, `free_page()`: the frame
    /// goes back to the allocator. From now on it may belong to anyone,
    /// so every open revocation of an entry still reaching it is due ("we must never free a page
    /// before we have ensured there are no live translations left to it", asm-generic/tlb.h).
    mutating func freeFrame(_ frame: Int) {
        // zap_pte_range(), wp_page_copy(): the zero page is no folio (vm_normal_page() is NULL).
        guard frame != state.frames.zeroPage else { return }
        touch(.allocator, write: true)
        touch(.frame(frame), write: true)
        // put_page(): a frame another mapping still holds (fork's copy-on-write) is not freed.
        guard state.frames.release(frame) else { return }
        for cpu in ghostIndex?.cpus(frame: frame) ?? setup.allCPUs {
            let found = state.cpus[cpu].tlb.updateEntries(frame: frame) { entry in
                entry.unmapped?.isDue = true
                entry.writeRevoked?.isDue = true
            }
            if found == 0 { ghostIndex?.forget(cpu: cpu, frame: frame) }
            S.revocationsCameDue(in: &self, cpu: cpu)
        }
    }

    /// Checks a user access through `entry` (a hit, or a write's fresh fill): stale, of another
    /// address space, or a write into a frame shared copy-on-write; records the first violation.
    /// The caller touched the frame.
    mutating func checkUse(of entry: TLBEntry, cpu: Int, thread: Int, page: Int, write: Bool) {
        let mm = state.cpus[cpu].tlbState.loadedMM
        var kind: Violation.Kind?
        var revocation: Revocation?
        if entry.mm != mm {
            kind = .wrongAddressSpace
        } else if let r = entry.unmapped, r.isDue {
            // The PMD this huge entry came from was split into a page table (whatever the
            // PTEs became since).
            let space = state.mms[mm]
            let isSplit = entry.hugePages > 0 && space.splitTables & space.tableBit(space.table(of: page)) != 0
            kind = isSplit ? .splitHugeEntry : .staleTranslation
            revocation = r
        } else if write, let r = entry.writeRevoked, r.isDue {
            kind = .staleWrite
            revocation = r
        } else if write, entry.writeRevoked == nil, state.frames.isShared(entry.frame) {
            // Not a stale entry (those are allowed until their revocation is due, as a write
            // during fork before its flush is): the translation was writable when filled.
            kind = .sharedWrite
        }
        guard let kind, !hasViolation else { return }
        counters.violations += 1
        violationRecord = ViolationRecord(
            Violation(
                kind: kind, cpu: cpu, thread: thread, mm: mm, page: page, frame: entry.frame,
                revocation: revocation, step: counters.steps))
        if isTracing { note(cpu, "VIOLATION", describe(violation!)) }
    }

    /// Records a deadlock when nothing can run but the machine has not finished.
    /// - Returns: whether a deadlock was recorded.
    public mutating func checkDeadlock() -> Bool {
        guard !hasViolation, !isFinished else { return false }
        guard let waiting = state.cpus.indices.first(where: { !state.cpus[$0].stack.isEmpty }) else {
            return false  // threads wait on events nobody signals: a scenario problem, not a deadlock
        }
        counters.violations += 1
        violationRecord = ViolationRecord(Violation(kind: .deadlock, cpu: waiting, step: counters.steps))
        return true
    }

    /// One sentence on a violation, in the kernel's words.
    public func describe(_ v: Violation) -> String {
        switch v.kind {
        case .deadlock:
            return "deadlock: every CPU waits (cpu\(v.cpu) in \(state.cpus[v.cpu].stack.last?.functionName ?? "?"))"
        case .sharedWrite:
            if v.frame == state.frames.zeroPage {
                return "cpu\(v.cpu) \(threadName(v.thread)) wrote page \(v.page!) of \(scenario.mmName(v.mm!)) into "
                    + "the zero page: write permission without a copy"
            }
            return "cpu\(v.cpu) \(threadName(v.thread)) wrote page \(v.page!) of \(scenario.mmName(v.mm!)) into frame "
                + "\(v.frame!), which another address space still maps copy-on-write: write permission "
                + "without a copy"
        case .freedTableWalk:
            let table = state.mms[v.mm!].table(of: v.page!)
            let pages = PageRange(v.page!, state.mms[v.mm!].pages(inTable: table).upperBound)
            let who = state.cpus[v.cpu].tlbState.isLazy ? "cpu\(v.cpu) (lazy)" : "cpu\(v.cpu)"
            return "\(who) may walk page table \(table) of \(scenario.mmName(v.mm!)) (pages \(pages)) through its "
                + "paging-structure cache after the table was freed: a speculative walk reads the reused page as PTEs"
        case .wrongAddressSpace:
            return
                "cpu\(v.cpu) \(threadName(v.thread)) used page \(v.page!) through an entry of another address space (\(frameName(v.frame!)))"
        case .splitHugeEntry:
            let r = v.revocation!
            let op = scenario.threads[r.thread].script[r.op]
            return
                "cpu\(v.cpu) \(threadName(v.thread)) used page \(v.page!) of \(scenario.mmName(v.mm!)) through its huge "
                + "page's TLB entry (\(frameName(v.frame!))) after \(threadName(r.thread))'s "
                + "`\(ScenarioFormat.format(op, in: scenario))` split the PMD into a page table: the TLB may hold "
                + "translations of two sizes for the page (undefined: Intel SDM 4.10.2.3)"
        case .staleTranslation, .staleWrite:
            let r = v.revocation!
            let op = scenario.threads[r.thread].script[r.op]
            let access = v.kind == .staleWrite ? "wrote" : "used"
            let point =
                switch op {
                case .migrate: "began its copy"
                case .numaHint: "made the PTE PROT_NONE (flush deferred) and the frame was copied or freed"
                case .reclaim: "freed the frame"
                case .access: "broke copy-on-write"
                case .mremap: "moved the page away, and its frame was freed or the call returned"
                default: "returned"
                }
            return "cpu\(v.cpu) \(threadName(v.thread)) \(access) page \(v.page!) of \(scenario.mmName(v.mm!)) "
                + "through a stale TLB entry (\(frameName(v.frame!))) after \(threadName(r.thread))'s "
                + "`\(ScenarioFormat.format(op, in: scenario))` \(point)"
        }
    }

    /// "frame N", or "the zero page".
    func frameName(_ frame: Int) -> String { frame == state.frames.zeroPage ? "the zero page" : "frame \(frame)" }
}
