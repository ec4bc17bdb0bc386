import Foundation
import ShootdownTrace
import Testing

/// The ftrace text format and a real capture's statistics (Tests/Fixtures/traces, made by
/// scripts/capture-trace.sh from Debian's 6.1.0-57-amd64 under QEMU).
@Suite struct FtraceTests {
    static func fixture(_ name: String) throws -> String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/traces/\(name)")
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// Every field of the line shapes the kernel and trace-cmd print: with and without the TGID
    /// column and the flags, a task name with spaces and dashes, an unknown TGID.
    @Test func linesSplitIntoTheirFields() throws {
        let tgid = try #require(
            try FtraceLine.parse(
                "        workload-111     (    110) [003] ...1.     4.990167: sys_mprotect(start: 4b6000, len: 4000, prot: 1)",
                number: 7))
        #expect(tgid.task == "workload" && tgid.pid == 111 && tgid.tgid == 110 && tgid.cpu == 3)
        #expect(tgid.timestamp == 4.990167 && tgid.number == 7)
        #expect(
            tgid.body == .syscall(name: "sys_mprotect", isExit: false, arguments: "start: 4b6000, len: 4000, prot: 1"))
        let spaces = try #require(
            try FtraceLine.parse(
                "  rs:main Q:Reg-512   [001] d..1.   12.5: tlb_flush: pages:1 reason:remote shootdown (1)", number: 1))
        #expect(spaces.task == "rs:main Q:Reg" && spaces.pid == 512 && spaces.tgid == nil)
        #expect(spaces.body == .event(name: "tlb_flush", fields: "pages:1 reason:remote shootdown (1)"))
        let report = try #require(
            try FtraceLine.parse("  kworker/u8:1-45  [000]  3.25: flush_tlb_func <-flush_tlb_mm_range", number: 2))
        #expect(
            report.task == "kworker/u8:1"
                && report.body == .function(name: "flush_tlb_func", caller: "flush_tlb_mm_range"))
        let unknown = try #require(
            try FtraceLine.parse("  <idle>-0  (-------) [002] d.h1.  5.07: call_function_entry: vector=252", number: 3))
        #expect(unknown.task == "<idle>" && unknown.pid == 0 && unknown.tgid == nil)
        let cmd = try #require(
            try FtraceLine.parse(
                "  workload-111  [003]  4.99: function:   flush_tlb_func <-- smp_call_function_many_cond", number: 4))
        #expect(cmd.body == .function(name: "flush_tlb_func", caller: "smp_call_function_many_cond"))
        #expect(try FtraceLine.parse("version = 7", number: 1) == nil)
        #expect(try FtraceLine.parse("# tracer: function", number: 1) == nil)
        #expect(try FtraceLine.parse("##### CPU 2 buffer started ####", number: 1) == nil)
        #expect(try FtraceLine.parse("", number: 1) == nil)
    }

    /// A malformed line is an error naming its number and what was expected; lenient parsing
    /// counts and skips it.
    @Test func aMalformedLineIsNamed() throws {
        let text = "  a-1 [000] ...1. 1.0: tlb_flush: pages:1 reason:local mm shootdown (3)\ngarbage here\n"
        #expect(throws: FtraceError.self) { try FtraceTrace(text) }
        do {
            _ = try FtraceTrace(text)
        } catch {
            #expect(error.line == 2)
            #expect(error.message.contains("expected 'TASK-PID [CPU]"))
        }
        let lenient = try FtraceTrace(text, lenient: true)
        #expect(lenient.lines.count == 1 && lenient.skipped.count == 1 && lenient.total == 2)
        #expect(lenient.stats.skipped == 1)
    }

    /// A `tlb_flush` event must say how many pages: -1 (everything), 0 (an early return) or a
    /// count; without that the line is malformed, not a flush of nothing.
    @Test func aTLBFlushWithoutItsPagesIsMalformed() throws {
        for fields in ["::16 reason:remote ipi send (4)", "pages:-7 reason:remote ipi send (4)", "pages:x"] {
            let text = "  a-1 [000] ...1. 1.0: tlb_flush: \(fields)\n"
            do {
                _ = try FtraceTrace(text)
                Issue.record("'\(fields)' was accepted")
            } catch {
                #expect(error.line == 1 && error.message.contains("expected 'pages:N'"))
            }
            #expect(try FtraceTrace(text, lenient: true).skipped.count == 1)
        }
        for pages in [-1, 0, 16] {
            #expect(try FtraceTrace("  a-1 [000] ...1. 1.0: tlb_flush: pages:\(pages) reason:x (1)\n").lines.count == 1)
        }
    }

    /// The capture's figures: flushes by reason and CPU, the initiating paths, the early
    /// returns, the vmstat counters, and no PCID (TCG): every switch to another process flushed.
    @Test func theCapturesStatistics() throws {
        let stats = try FtraceTrace(try Self.fixture("debian-6.1-tcg-4cpu-tgid.trace")).stats
        #expect(stats.lines == 1980 && stats.events == 1968 && stats.cpus == 4 && stats.hasTGID)
        #expect(
            stats.flushes == [
                "local mm shootdown": 156, "remote ipi send": 135, "flush on task switch": 134, "remote shootdown": 37,
            ])
        #expect(stats.flushesByCPU["local mm shootdown"] == [100, 32, 11, 13])
        #expect(stats.pages["flush on task switch"] == ["all": 134])
        #expect(stats.calls["flush_tlb_mm_range <-ptep_clear_flush"] == 93)
        #expect(stats.calls["flush_tlb_mm_range <-pmdp_invalidate"] == 2)
        #expect(stats.flushFuncCalls == 217 && stats.earlyReturns == 24)
        #expect(
            stats.vmstat == [
                "nr_tlb_remote_flush": 135, "nr_tlb_remote_flush_received": 57, "nr_tlb_local_flush_all": 14,
                "nr_tlb_local_flush_one": 516,
            ])
        #expect(stats.pcid == "absent")
        #expect(stats.migrations == 3 && stats.migratedPages == 3)
        #expect(stats.syscalls == ["sys_clone": 2, "sys_madvise": 14, "sys_mprotect": 25, "sys_munmap": 10])
        #expect(stats.ipiSends == 0 && stats.callFunctionInterrupts == 246)
    }

    /// Without the TGID column the trace still parses; whether the machine had PCID is unknown.
    @Test func withoutTheTGIDColumn() throws {
        let stats = try FtraceTrace(try Self.fixture("debian-6.1-tcg-4cpu-excerpt.trace")).stats
        #expect(!stats.hasTGID && stats.events == 208 && stats.pcid == "unknown")
        #expect(stats.flushes["flush on task switch"] == 50)
    }
}
