import Foundation
import ShootdownModel
import Testing

@testable import ShootdownTrace

/// `trace validate`: the reconstruction of a trace's switches and flushes, their replay through
/// the model, and the agreement on the captures of five workloads.
@Suite struct TraceValidationTests {
    static func fixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/traces/\(name)").path
    }

    static func workload(_ name: String) throws -> TraceWorkload {
        try TraceWorkload(try FtraceTrace(String(contentsOfFile: fixture(name), encoding: .utf8)))
    }

    /// The five workloads' captures on Debian's 6.1 and on bookworm-backports' 6.12.
    static let captures = ["6.1", "6.12"].flatMap { kernel in
        ["madvise", "mprotect", "munmap", "fork", "mixed"].map { "debian-\(kernel)-tcg-4cpu-\($0).trace" }
    }

    /// Two CPUs, one process of two threads: cpu1 idles (lazy) while cpu0's madvise flushes,
    /// then runs the thread again (its switch catches up) and takes the IPI of the next flush.
    static let miniature = """
        # tracer: function
        #           TASK-PID       TGID    CPU#  |||||  TIMESTAMP  FUNCTION
                  <idle>-0       (-------) [000] d..2.     1.000000: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=prog next_pid=10 next_prio=120
                  <idle>-0       (-------) [000] d..2.     1.000010: tlb_flush: pages:-1 reason:flush on task switch (0)
                  <idle>-0       (-------) [001] d..2.     1.000020: sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=prog next_pid=11 next_prio=120
                  <idle>-0       (-------) [001] d..2.     1.000030: tlb_flush: pages:-1 reason:flush on task switch (0)
                    prog-11      (     10) [001] d..2.     1.000040: sched_switch: prev_comm=prog prev_pid=11 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120
                    prog-10      (     10) [000] ...1.     1.000100: sys_madvise(start: 7f0000001000, len_in: 1000, behavior: 4)
                    prog-10      (     10) [000] .....     1.000110: flush_tlb_mm_range <-tlb_finish_mmu
                    prog-10      (     10) [000] ...1.     1.000111: native_flush_tlb_multi <-flush_tlb_mm_range
                    prog-10      (     10) [000] ...1.     1.000112: tlb_flush: pages:1 reason:remote ipi send (4)
                    prog-10      (     10) [000] d..2.     1.000113: flush_tlb_func <-smp_call_function_many_cond
                    prog-10      (     10) [000] d..2.     1.000114: tlb_flush: pages:1 reason:local mm shootdown (3)
                    prog-10      (     10) [000] ...1.     1.000120: sys_madvise -> 0x0
                  <idle>-0       (-------) [001] d..2.     1.000500: sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=prog next_pid=11 next_prio=120
                  <idle>-0       (-------) [001] d..2.     1.000510: tlb_flush: pages:-1 reason:flush on task switch (0)
                    prog-10      (     10) [000] ...1.     1.001000: flush_tlb_mm_range <-ptep_clear_flush
                    prog-10      (     10) [000] ...1.     1.001001: native_flush_tlb_multi <-flush_tlb_mm_range
                    prog-10      (     10) [000] ...1.     1.001002: tlb_flush: pages:1 reason:remote ipi send (4)
                    prog-10      (     10) [000] d..2.     1.001003: flush_tlb_func <-smp_call_function_many_cond
                    prog-10      (     10) [000] d..2.     1.001004: tlb_flush: pages:1 reason:local mm shootdown (3)
                    prog-11      (     10) [001] d.h1.     1.001010: call_function_entry: vector=252
                    prog-11      (     10) [001] d.h1.     1.001011: flush_tlb_func <-__flush_smp_call_function_queue
                    prog-11      (     10) [001] d.h1.     1.001012: tlb_flush: pages:1 reason:remote shootdown (1)
                    prog-11      (     10) [001] d.h1.     1.001013: call_function_exit: vector=252
                    prog-10      (     10) [000] d..2.     1.002000: sched_switch: prev_comm=prog prev_pid=10 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120
        """

    /// The last thread of a process exits on cpu0 while cpu1 idles lazily in its mm: exit_mm()
    /// leaves cpu0 lazy too, and exit_mmap()'s flush (page tables freed) interrupts the lazy
    /// cpu1 and runs the lazy initiator's own flush_tlb_func(): both leave lazy mode.
    static let exit = """
        # tracer: function
                  <idle>-0       (-------) [000] d..2.     1.000000: sched_switch: prev_comm=swapper/0 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=prog next_pid=10 next_prio=120
                  <idle>-0       (-------) [000] d..2.     1.000010: tlb_flush: pages:-1 reason:flush on task switch (0)
                  <idle>-0       (-------) [001] d..2.     1.000020: sched_switch: prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=prog next_pid=11 next_prio=120
                  <idle>-0       (-------) [001] d..2.     1.000030: tlb_flush: pages:-1 reason:flush on task switch (0)
                    prog-11      (     10) [001] .....     1.000040: sched_process_exit: comm=prog pid=11 prio=120
                    prog-11      (     10) [001] d..2.     1.000050: sched_switch: prev_comm=prog prev_pid=11 prev_prio=120 prev_state=X ==> next_comm=swapper/1 next_pid=0 next_prio=120
                    prog-10      (     10) [000] .....     1.000100: flush_tlb_mm_range <-tlb_finish_mmu
                    prog-10      (     10) [000] ...1.     1.000101: native_flush_tlb_multi <-flush_tlb_mm_range
                    prog-10      (     10) [000] ...1.     1.000102: tlb_flush: pages:-1 reason:remote ipi send (4)
                  <idle>-0       (-------) [001] d.h1.     1.000110: call_function_entry: vector=252
                  <idle>-0       (-------) [001] d.h1.     1.000111: flush_tlb_func <-__flush_smp_call_function_queue
                  <idle>-0       (-------) [001] d.h1.     1.000112: tlb_flush: pages:-1 reason:flush on task switch (0)
                  <idle>-0       (-------) [001] d.h1.     1.000113: call_function_exit: vector=252
                    prog-10      (     10) [000] d..2.     1.000120: flush_tlb_func <-smp_call_function_many_cond
                    prog-10      (     10) [000] d..2.     1.000121: tlb_flush: pages:-1 reason:flush on task switch (0)
                    prog-10      (     10) [000] .....     1.000200: sched_process_exit: comm=prog pid=10 prio=120
                    prog-10      (     10) [000] d..2.     1.000300: sched_switch: prev_comm=prog prev_pid=10 prev_prio=120 prev_state=X ==> next_comm=swapper/0 next_pid=0 next_prio=120
        """

    @Test func anExitingProcessFlushesFromLazyModeWithItsTablesFreed() throws {
        // Too short to tell that the machine had no PCID (every switch flushed): say so.
        let workload = try TraceWorkload(try FtraceTrace(Self.exit), hasPCID: false)
        let flushes = workload.requests.compactMap { if case .flush(let f) = $0 { f } else { nil } }
        #expect(flushes.count == 1)
        #expect(flushes.first?.freedTables == true)
        #expect(flushes.first?.observed.local == .leftLazy(flushed: true))
        let validation = TraceValidation(workload, scheme: LinuxScheme())
        #expect(validation.flushes == (compared: 1, agreeing: 1))
        #expect(validation.disagreements.isEmpty)
    }

    @Test func theReconstructionFollowsTasksFlushesAndIPIs() throws {
        let workload = try TraceWorkload(try FtraceTrace(Self.miniature))
        #expect(workload.cpus == 2)
        #expect(workload.names == ["prog[10]"])
        // Too few switches between processes to tell whether the machine had PCID: unknown
        // counts as present.
        #expect(workload.hasPCID)
        let flushes = workload.requests.compactMap { if case .flush(let f) = $0 { f } else { nil } }
        #expect(flushes.map(\.caller) == ["tlb_finish_mmu", "ptep_clear_flush"])
        #expect(flushes.map(\.pages) == [1, 1])
        #expect(flushes.allSatisfy { $0.pagesSource == .trace && $0.observed.path == .multi && $0.isCompared })
        #expect(flushes.map(\.observed.local) == [.ranged(1), .ranged(1)])
        let receives = workload.requests.compactMap { if case .receive(let r) = $0 { r } else { nil } }
        #expect(receives.map(\.cpu) == [1])
        #expect(receives.map(\.outcome) == [.ranged(1)])
        let switches = workload.requests.compactMap { if case .schedule(let s) = $0 { s } else { nil } }
        #expect(switches.map(\.mm) == [0, 0, nil, 0, nil])
        #expect(switches.map(\.flushed) == [true, true, false, true, false])
    }

    @Test func linuxAgreesOnTheMiniatureAndALazyIPIMutantDoesNot() throws {
        let workload = try TraceWorkload(try FtraceTrace(Self.miniature))
        let linux = TraceValidation(workload, scheme: LinuxScheme())
        #expect(linux.flushes == (compared: 2, agreeing: 2))
        #expect(linux.disagreements.isEmpty)
        // The switch back from lazy mode found the generation moved: a flush, as traced.
        #expect(linux.groups.last?.path == TraceValidation.switchPath)
        #expect(linux.groups.last?.agreeing == linux.groups.last?.compared)
        // Interrupting lazy CPUs sends cpu1 the madvise's IPI, which the trace never shows.
        let lazy = TraceValidation(workload, scheme: LinuxIPILazyScheme())
        #expect(lazy.flushes == (compared: 2, agreeing: 1))
        #expect(lazy.disagreements.map(\.line) == [9])
        #expect(lazy.disagreements.first?.differences.first?.hasPrefix("IPIs: trace none, model cpu1") == true)
    }

    @Test func theKernelsOwnCountsAreTheTracesEvents() throws {
        // Counted by hand from the miniature: two native_flush_tlb_multi, one IPI taken (a
        // remote shootdown of 1 page), two local mm shootdowns of 1 page, three switch flushes.
        let traced = try TraceWorkload(try FtraceTrace(Self.miniature)).traced
        #expect(traced.nrTLBRemoteFlush == 2)
        #expect(traced.nrTLBRemoteFlushReceived == 1 && traced.ipisSent == 1)
        #expect(traced.rangedFlushesIPI == 1 && traced.fullFlushesIPI == 0)
        #expect(traced.rangedFlushesLocal == 2 && traced.nrTLBLocalFlushOne == 2 && traced.fullFlushesLocal == 0)
        #expect(traced.pagesInvalidated == 3)
        #expect(traced.fullFlushesSwitch == 3)
        // The replay under linux counts the same.
        let replayed = TraceWhatIf.counters(try TraceWorkload(try FtraceTrace(Self.miniature)), scheme: LinuxScheme())
        #expect(replayed.rangedFlushes == traced.rangedFlushes && replayed.pagesInvalidated == traced.pagesInvalidated)
        #expect(replayed.fullFlushesSwitch == traced.fullFlushesSwitch)
    }

    @Test func atALineTheModelsStepsForThatFlushAreShown() throws {
        let workload = try TraceWorkload(try FtraceTrace(Self.miniature))
        // Line 9: cpu0's madvise flush while cpu1 idles lazily in the mm.
        let shown = TraceValidation(workload, scheme: LinuxScheme(), showing: 9)
        #expect(shown.shownLine == 9)
        let text = shown.steps.map { "cpu\($0.cpu) \($0.function): \($0.detail)" }
        #expect(text.first?.hasPrefix("cpu0 flush_tlb_mm_range: inc_mm_tlb_gen(prog[10]) = ") == true)
        #expect(text.contains { $0.contains("cpu1 is_lazy = true: skip") })
        #expect(shown.steps.allSatisfy { $0.cpu == 0 })
        // Another line's flush, or a line with none, shows nothing else.
        #expect(TraceValidation(workload, scheme: LinuxScheme(), showing: 4).steps.isEmpty)
        #expect(TraceValidation(workload, scheme: LinuxScheme()).steps.isEmpty)
    }

    @Test(arguments: captures)
    func theModelAgreesOnAtLeast95PercentOfACapture(_ capture: String) throws {
        let validation = TraceValidation(try Self.workload(capture), scheme: LinuxScheme())
        let (compared, agreeing) = validation.flushes
        #expect(compared >= 100, "\(capture): \(compared) flushes compared")
        #expect(Double(agreeing) >= 0.95 * Double(compared), "\(capture): \(agreeing) of \(compared)")
        #expect(validation.groups.contains { $0.path == "tlb_finish_mmu" })
        // Each disagreement names its line and what differs.
        #expect(validation.disagreements.allSatisfy { $0.line > 0 && !$0.differences.isEmpty })
    }

    @Test func theMadviseCaptureSeparatesLinuxFromTheLazyIPIMutant() throws {
        let workload = try Self.workload("debian-6.1-tcg-4cpu-madvise.trace")
        let linux = TraceValidation(workload, scheme: LinuxScheme()).flushes
        let lazy = TraceValidation(workload, scheme: LinuxIPILazyScheme()).flushes
        #expect(Double(linux.agreeing) / Double(linux.compared) >= 0.95)
        #expect(Double(lazy.agreeing) / Double(lazy.compared) < 0.95)
    }

    /// A trace with lines lost (every k-th one): receivers without their initiator, flushes
    /// without their IPIs, switches without their flushes. The replay goes on and compares what
    /// it can; it never traps.
    @Test(arguments: [2, 3, 7, 13])
    func aTraceWithLinesMissingStillReplays(every k: Int) throws {
        let text = try String(contentsOfFile: Self.fixture("debian-6.12-tcg-4cpu-fork.trace"), encoding: .utf8)
        let kept = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset < 12 || $0.offset % k != 0 }.map(\.element).joined(separator: "\n")
        let workload = try TraceWorkload(try FtraceTrace(kept))
        let validation = TraceValidation(workload, scheme: LinuxScheme())
        #expect(validation.flushes.compared > 0)
        #expect(TraceWhatIf.counters(workload, scheme: LinuxIPILazyScheme()).nrTLBRemoteFlush > 0)
    }

    /// `pages:0` is flush_tlb_func()'s early return (the CPU had caught up, e.g. on another
    /// flush's IPI): it says nothing of the range. A flush that sent no IPI and returned early
    /// keeps the range it was assumed to have, and replays.
    @Test func anEarlyLocalReturnKeepsTheFlushsAssumedRange() throws {
        let text = Self.miniature.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.contains("1.001001:") && !$0.contains("1.001002:") }
            .map { $0.replacing("1.001004: tlb_flush: pages:1", with: "1.001004: tlb_flush: pages:0") }
            .joined(separator: "\n")
        let workload = try TraceWorkload(try FtraceTrace(text))
        let flushes = workload.requests.compactMap { if case .flush(let f) = $0 { f } else { nil } }
        #expect(flushes.map(\.pages) == [1, 1])
        #expect(flushes.map(\.pagesSource) == [.trace, .assumed])
        #expect(flushes.map(\.observed.local) == [.ranged(1), .early])
        #expect(TraceValidation(workload, scheme: LinuxScheme()).flushes.compared == 2)
    }

    /// A system call's range past user space, or empty, fails before any flush: it opens no
    /// call whose range the flushes would take (and sizes nothing past `Int`).
    @Test func aSystemCallOutsideUserSpaceGivesNoRange() throws {
        for length in ["7fffffffffffffff", "0", "800000000000"] {
            let text = Self.miniature.replacing("len_in: 1000", with: "len_in: \(length)")
            let workload = try TraceWorkload(try FtraceTrace(text))
            let flushes = workload.requests.compactMap { if case .flush(let f) = $0 { f } else { nil } }
            // The madvise's flush takes its range from the IPI's tlb_flush event instead.
            #expect(flushes.map(\.pages) == [1, 1])
            #expect(TraceValidation(workload, scheme: LinuxScheme()).flushes == (compared: 2, agreeing: 2))
        }
        #expect(TraceWorkloadBuilder.isUserRange(start: 0x7f00_0000_1000, length: 0x1000))
        #expect(!TraceWorkloadBuilder.isUserRange(start: 0x7fff_ffff_f000, length: 0x2000))
        #expect(!TraceWorkloadBuilder.isUserRange(start: 0x1000, length: Int.max))
    }

    /// Seeded corruptions of the miniature (a field replaced, a line cut short, dropped or
    /// repeated): each is refused with the line it could not read, or replays. None traps.
    @Test func corruptedTracesAreRefusedOrReplayedNeverTrap() throws {
        let lines = Self.miniature.split(separator: "\n").map(String.init)
        let junk = ["", "-1", "0", "-7", "7fffffffffffffff", "99999999999999999999", "x", ":", "[", "="]
        var refused = 0
        for seed in UInt64(0)..<300 {
            var generator = SeededGenerator(seed: seed)
            var text = lines
            for _ in 0...generator.next(below: 4) {
                let i = 2 + generator.next(below: text.count - 2)
                switch generator.next(below: 4) {
                case 0:
                    var words = text[i].split(separator: " ", omittingEmptySubsequences: false).map(String.init)
                    let w = generator.next(below: words.count)
                    let token = junk[generator.next(below: junk.count)]
                    // Half the time keep the field's name (`pages:`, `len_in:`), change its value.
                    if generator.next(below: 2) == 0, let colon = words[w].firstIndex(of: ":") {
                        words[w] = String(words[w][...colon]) + token
                    } else {
                        words[w] = token
                    }
                    text[i] = words.joined(separator: " ")
                case 1: text[i] = String(text[i].prefix(generator.next(below: text[i].count + 1)))
                case 2: text.remove(at: i)
                default: text.insert(text[generator.next(below: text.count)], at: i)
                }
            }
            do {
                let workload = try TraceWorkload(try FtraceTrace(text.joined(separator: "\n")))
                _ = TraceValidation(workload, scheme: LinuxScheme())
                _ = TraceWhatIf.counters(workload, scheme: LinuxIPILazyScheme())
            } catch {
                #expect(error.line >= 0 && !error.message.isEmpty)
                refused += 1
            }
        }
        // Both kinds occur: the corruptions are neither all fatal nor all harmless.
        #expect(refused > 30 && refused < 270)
    }

    @Test func theCapturesTellSixSixFromTheLazyCPUMaskOfSixFourteen() throws {
        // 6.1 keeps mm_cpumask exact (a switch clears the old mm's bit); 6.14 leaves CPUs in it.
        let workload = try Self.workload("debian-6.1-tcg-4cpu-mixed.trace")
        let linux = TraceValidation(workload, scheme: LinuxScheme()).flushes
        let lazyMask = TraceValidation(workload, scheme: try SchemeCatalog.scheme(named: "linux-6.14").base).flushes
        #expect(Double(linux.agreeing) >= 0.95 * Double(linux.compared))
        #expect(Double(lazyMask.agreeing) < 0.7 * Double(lazyMask.compared))
    }

    @Test func aTraceWithoutWhatValidationNeedsIsRefused() throws {
        let noTGID = try FtraceTrace(
            "  a-1 [000] ...1. 1.0: tlb_flush: pages:1 reason:local mm shootdown (3)\n")
        #expect(throws: FtraceError.self) { try TraceWorkload(noTGID) }
        let noFunctions = try FtraceTrace(
            "  a-1 (1) [000] ...1. 1.0: tlb_flush: pages:1 reason:local mm shootdown (3)\n")
        do {
            _ = try TraceWorkload(noFunctions)
            Issue.record("a trace without the function tracer was accepted")
        } catch {
            #expect(error.message.contains("no function-tracer lines for flush_tlb_mm_range"))
        }
    }

    @Test func whatIfCountsEachSchemesFlushing() throws {
        let workload = try Self.workload("debian-6.1-tcg-4cpu-mixed.trace")
        let linux = TraceWhatIf.counters(workload, scheme: LinuxScheme())
        let lazy = TraceWhatIf.counters(workload, scheme: LinuxIPILazyScheme())
        #expect(linux.nrTLBRemoteFlush > 0)
        // Interrupting lazy CPUs sends more IPIs and skips none.
        #expect(lazy.ipisSent > linux.ipisSent)
        #expect(lazy.ipisSkippedLazy == 0 && linux.ipisSkippedLazy > 0)
        // The replay is deterministic.
        #expect(TraceWhatIf.counters(workload, scheme: LinuxScheme()) == linux)
    }
}
