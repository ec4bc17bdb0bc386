import Foundation
import Testing

/// `shootdown trace stats`: a real capture's table, JSON, and a malformed line's error.
@Suite struct TraceCommandTests {
    static let capture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/traces/debian-6.1-tcg-4cpu-tgid.trace").path

    @Test func statsPrintsTheFlushesAndTheCounters() throws {
        let text = try CLI.run(["trace", "stats", Self.capture])
        #expect(text.status == 0)
        #expect(text.stdout.contains("1980 lines, 1968 events on 4 CPUs"))
        #expect(text.stdout.contains("PCID: absent"))
        #expect(text.stdout.contains("flush_tlb_mm_range <-ptep_clear_flush"))
        #expect(text.stdout.contains("nr_tlb_remote_flush_received 57"))
        let json = try CLI.run(["trace", "stats", Self.capture, "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((object["vmstat"] as? [String: Int])?["nr_tlb_remote_flush"] == 135)
        #expect(object["pcid"] as? String == "absent")
    }

    @Test func aMalformedLineExitsTwoUnlessLenient() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(getpid()).trace").path
        try "# tracer: nop\n  a-1 [000] ...1. 1.0: tlb_flush: pages:1 reason:local mm shootdown (3)\nnot a line\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let strict = try CLI.run(["trace", "stats", path])
        #expect(strict.status == 2)
        #expect(strict.stderr.contains("\(path):3: expected 'TASK-PID [CPU]"))
        #expect(strict.stderr.contains("--lenient skips such lines"))
        let lenient = try CLI.run(["trace", "stats", path, "--lenient"])
        #expect(lenient.status == 0)
        #expect(lenient.stdout.contains("1 malformed lines skipped"))
        #expect(try CLI.run(["trace", "stats", "/nonexistent.trace"]).status == 2)
    }
}
