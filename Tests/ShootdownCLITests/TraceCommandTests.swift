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

/// `shootdown trace validate` and `trace whatif` on the captures, and the traces they refuse.
@Suite struct TraceValidateCommandTests {
    static func capture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/traces/debian-6.1-tcg-4cpu-\(name).trace").path
    }

    @Test func validatePrintsTheAgreementByPathAndWhatItAssumed() throws {
        let text = try CLI.run(["trace", "validate", Self.capture("munmap")])
        #expect(text.status == 0)
        #expect(text.stdout.contains("flush requests agreeing:"))
        #expect(text.stdout.contains("initiating path"))
        #expect(text.stdout.contains("tlb_finish_mmu"))
        #expect(text.stdout.contains("switch_mm_irqs_off"))
        #expect(text.stdout.contains("assumed (the trace cannot show it):"))
        let json = try CLI.run(["trace", "validate", Self.capture("munmap"), "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let groups = try #require(object["groups"] as? [[String: Any]])
        let compared = groups.filter { $0["path"] as? String != "switch_mm_irqs_off" }
            .reduce(0) { $0 + ($1["compared"] as? Int ?? 0) }
        let agreeing = groups.filter { $0["path"] as? String != "switch_mm_irqs_off" }
            .reduce(0) { $0 + ($1["agreeing"] as? Int ?? 0) }
        #expect(compared >= 100 && Double(agreeing) >= 0.95 * Double(compared))
        #expect(object["scheme"] as? String == "linux")
        // --at: the model's steps for one flush, here one it sends lazy CPUs that the kernel did not.
        let at = try CLI.run(["trace", "validate", Self.capture("munmap"), "--at", "886"])
        #expect(at.status == 0)
        #expect(at.stdout.contains("the model at line 886, as replayed in the trace's order (--at):"))
        #expect(at.stdout.contains("cpu1 flush_tlb_mm_range: inc_mm_tlb_gen("))
        #expect(at.stdout.contains("cpu0 flush_tlb_func: is_lazy: switch to init_mm"))
    }

    @Test func whatIfPrintsATableForFourSchemesOnACaptureWithForkAndMadvise() throws {
        let path = Self.capture("mixed")
        let trace = try String(contentsOfFile: path, encoding: .utf8)
        #expect(trace.contains("sys_madvise(") && trace.contains("flush_tlb_mm_range <-dup_mmap"))
        let svg = FileManager.default.temporaryDirectory.appendingPathComponent("whatif-\(getpid()).svg").path
        defer { try? FileManager.default.removeItem(atPath: svg) }
        let text = try CLI.run([
            "trace", "whatif", path, "--schemes", "linux,rfc15,ring-list,linux-6.14", "--svg", svg,
        ])
        #expect(text.status == 0)
        let rows = text.stdout.split(separator: "\n").map { $0.drop { $0 == " " } }.filter { row in
            ["linux ", "rfc15 ", "ring-list", "linux-6.14 "].contains { row.hasPrefix($0) }
        }
        #expect(rows.count == 4)
        #expect(text.stdout.contains("(Nx) = N times linux"))
        #expect(try String(contentsOfFile: svg, encoding: .utf8).hasPrefix("<svg"))
        // A row a scheme, and the kernel's own last.
        let csv = try CLI.run(["trace", "whatif", path, "--schemes", "linux,ring-list", "--format", "csv"])
        #expect(csv.stdout.split(separator: "\n").count == 4)
        let json = try CLI.run(["trace", "whatif", path, "--schemes", "linux,ring-list", "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let schemes = try #require(object["schemes"] as? [[String: Any]])
        #expect(schemes.map { $0["scheme"] as? String } == ["linux", "ring-list:size=8,switch=ranged", "(the trace)"])
        // Replayed under linux, the kernel's ranged flushes and pages come out as it did them.
        let linux = try #require(schemes.first?["counters"] as? [String: Int])
        let kernel = try #require(schemes.last?["counters"] as? [String: Int])
        #expect(linux["ranged_flushes"] == kernel["ranged_flushes"])
        #expect(linux["pages_invalidated"] == kernel["pages_invalidated"])
    }

    @Test func tracesItCannotUseExitTwoWithTheReason() throws {
        let directory = FileManager.default.temporaryDirectory
        func file(_ name: String, _ text: String) throws -> String {
            let path = directory.appendingPathComponent("\(name)-\(getpid()).trace").path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let full = try String(contentsOfFile: Self.capture("mixed"), encoding: .utf8)
        let cases: [(path: String, message: String)] = [
            (try file("garbage", "\u{7f}ELF garbage\n"), "expected 'TASK-PID [CPU]"),
            // Cut in the middle of a line, as a capture that did not finish is.
            (try file("truncated", String(full.prefix(5000))), "expected 'TASK-PID [CPU]"),
            (try file("empty", ""), "no trace events"),
            (
                try file(
                    "no-tlb", full.split(separator: "\n").filter { !$0.contains("tlb_flush:") }.joined(separator: "\n")),
                "no tlb_flush events"
            ),
            (
                try file(
                    "no-function", full.split(separator: "\n").filter { !$0.contains(" <-") }.joined(separator: "\n")),
                "no function-tracer lines"
            ),
            (
                URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                    .appendingPathComponent("Fixtures/traces/debian-6.1-tcg-4cpu-excerpt.trace").path,
                "no TGID column"
            ),
        ]
        for (path, message) in cases {
            for command in ["validate", "whatif"] {
                let result = try CLI.run(["trace", command, path])
                #expect(result.status == 2, "\(command) \(path)")
                #expect(result.stderr.contains(message), "\(command) \(path): \(result.stderr)")
            }
        }
        let noPCID = try CLI.run(["trace", "whatif", Self.capture("mixed"), "--invlpgb", "on"])
        #expect(noPCID.status == 2)
        #expect(noPCID.stderr.contains("--invlpgb on needs PCID"))
        let badScheme = try CLI.run(["trace", "whatif", Self.capture("mixed"), "--schemes", "linux,nope"])
        #expect(badScheme.status == 2)
        #expect(badScheme.stderr.contains("unknown scheme 'nope'"))
    }
}
