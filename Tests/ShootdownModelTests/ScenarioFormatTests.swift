import ShootdownModel
import Testing

@Suite struct ScenarioFormatTests {
    /// A file with CRLF line ends, tabs and a long script line parses as its LF twin does; the
    /// parser works on the bytes, so a comment or a `;` anywhere in the line is found.
    @Test func crlfTabsAndLongLinesParseAsLF() throws {
        let ops = (0..<2_000).map { $0 % 2 == 0 ? "write 0" : "read 0" }.joined(separator: ";\t")
        let lf = "# Summary.\ncpus 1\nmm A\n\tmap 0 write   # comment\nthread t mm=A cpu=0\n  \(ops); yield\n"
        let expected = try ScenarioFormat.parse(lf, source: "s")
        let crlf = try ScenarioFormat.parse(lf.replacing("\n", with: "\r\n"), source: "s")
        #expect(crlf == expected)
        #expect(expected.summary == "Summary.")
        #expect(expected.threads[0].script.count == 2_001)
        #expect(expected.threads[0].script.last == .yield)
    }

    @Test func parsesHeadersMappingsAndScripts() throws {
        let s = try scenario(
            """
            # Two CPUs, one mm.
            cpus 2
            pages 16
            ptes-per-table 4
            frames 20
            mm A
              map 0-3 write populated
              map 8 read
            thread t0 mm=A cpu=1
              write 0; read 8   # trailing comment
              munmap 0-1
              mprotect 2-3 read; madvise 2; mmap 10-11 write; migrate 3; migrate 2 sync
              yield; sleep; signal e; wait e; spin e; read 1 x2
            kthread k cpu=0
              work; tick
            """)
        #expect(s.summary == "Two CPUs, one mm.")
        #expect(s.cpuCount == 2)
        #expect(s.pagesPerAddressSpace == 16)
        #expect(s.ptesPerTable == 4)
        #expect(s.frameCount == 20)
        #expect(s.addressSpaces[0].mappings.count == 2)
        #expect(
            s.threads[0].script == [
                .access(page: 0, write: true), .access(page: 8, write: false), .munmap(PageRange(0, 2)),
                .mprotect(PageRange(2, 4), .read), .madviseDontNeed(PageRange(2, 3)), .mmap(PageRange(10, 12), .write),
                .migrate(page: 3), .migrate(page: 2, synchronous: true), .yield, .sleep, .signal(event: 0),
                .wait(event: 0), .spin(event: 0),
                .access(page: 1, write: false), .access(page: 1, write: false),
            ])
        #expect(s.threads[1].mm == nil)
        #expect(s.threads[1].script == [.work, .tick])
        var reparsed = try ScenarioFormat.parse(ScenarioFormat.render(s), source: s.name)
        reparsed.summary = s.summary
        #expect(reparsed == s)
    }

    @Test(arguments: BuiltinScenarios.names)
    func renderedBuiltinParsesBackToTheSameScenario(_ name: String) throws {
        let original = try #require(BuiltinScenarios.named(name))
        var reparsed = try ScenarioFormat.parse(ScenarioFormat.render(original), source: name)
        reparsed.summary = original.summary
        #expect(reparsed == original)
    }

    struct BadInput: Sendable, CustomTestStringConvertible {
        var text: String
        var line: Int
        var field: String
        var testDescription: String { "\(field) at line \(line)" }
    }

    static let badInputs: [BadInput] = [
        BadInput(text: "cpus 0\n", line: 1, field: "cpus"),
        BadInput(text: "cpus 257\n", line: 1, field: "cpus"),
        // A TLB entry tags its address space in a byte: 256 at most.
        BadInput(text: "cpus 1\n" + (0..<257).map { "mm M\($0)\n" }.joined(), line: 258, field: "mm"),
        BadInput(text: "cpus 2\nmm A\n  map 0 write\nthread t mm=A cpu=2\n  read 0\n", line: 4, field: "cpu"),
        BadInput(text: "cpus 1\nmm A\nthread t mm=B cpu=0\n", line: 3, field: "mm"),
        BadInput(text: "cpus 1\npages 64\nmm A\nthread t mm=A cpu=0\n  read 64\n", line: 5, field: "page"),
        BadInput(text: "cpus 1\nmm A\nthread t mm=A cpu=0\n  read 16384\n", line: 4, field: "page"),
        BadInput(text: "cpus 1\nmm A\nthread t mm=A cpu=0\n  jump 1\n", line: 4, field: "operation"),
        BadInput(text: "cpus 1\nmm A\n  map 0 rw\n", line: 3, field: "protection"),
        BadInput(text: "cpus 1\nmm A\nthread t mm=A cpu=0\n  munmap 3-1\n", line: 4, field: "range"),
        BadInput(text: "cpus 1\nmm A\nthread t mm=A cpu=0\n  wait go\n", line: 4, field: "event"),
        BadInput(text: "cpus 1\nkthread k cpu=0\n  write 0\n", line: 3, field: "operation"),
        BadInput(text: "cpus 1\n  read 0\n", line: 2, field: "indentation"),
        BadInput(text: "cpus 1\nmm A\n", line: 2, field: "thread"),
        BadInput(text: "flavour strawberry\n", line: 1, field: "header"),
        BadInput(text: "cpus 1\nmm A\nthread t mm=A cpu=0\n  migrate 0 async\n", line: 4, field: "migrate"),
        BadInput(text: "cpus 1\nmm A\nthread t mm=A cpu=0\n  tick 2\n", line: 4, field: "tick"),
        BadInput(text: "cpus 1\nmm A\nthread t mm=A cpu=0\n  read 0 x0\n", line: 4, field: "repeat"),
        BadInput(
            text: "cpus 1\nmm A\n  map 0-3 write populated\nframes 2\nthread t mm=A cpu=0\n  read 0\n", line: 4,
            field: "frames"),
        // A VMA's index is 16 bits: 2 x 33,000 mmaps are too many (reported at the last line).
        BadInput(
            text: "cpus 2\nmm A\n"
                + (0..<2).map {
                    "thread t\($0) mm=A cpu=\($0)\n" + String(repeating: "  mmap 0 write x1000\n", count: 33)
                }
                .joined(),
            line: 70, field: "operation"),
        BadInput(
            text: "cpus 1\nptes-per-table 4\nmm A\n  map 1-4 write huge\nthread t mm=A cpu=0\n  read 1\n", line: 4,
            field: "huge"),
        BadInput(
            text: "cpus 1\nptes-per-table 2\nmm A\nthread t mm=A cpu=0\n  collapse 1-2\n", line: 5, field: "collapse"),
    ]

    @Test(arguments: badInputs)
    func malformedInputNamesLineAndField(_ bad: BadInput) {
        #expect {
            _ = try ScenarioFormat.parse(bad.text, source: "bad.scn")
        } throws: { error in
            guard let error = error as? ScenarioError else { return false }
            return error.line == bad.line && error.field == bad.field && error.source == "bad.scn"
                && error.description.hasPrefix("bad.scn:\(bad.line): field '\(bad.field)': expected ")
        }
    }
}
