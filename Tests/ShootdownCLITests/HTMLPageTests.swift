import Foundation
import Testing

/// `--html FILE`: the counterexample as a self-contained page, checked as text and in a real
/// browser (headless Chromium, which `scripts/install-test-deps.sh` installs).
@Suite struct HTMLPageTests {
    /// A fresh directory for one test's files.
    static func directory(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("html-\(name)-\(getpid())")
        try? FileManager.default.removeItem(at: url)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// `shootdown check` of `scheme` on `scenario` with `--html`; returns the page.
    static func page(_ scenario: String, _ scheme: String, in dir: URL) throws -> (url: URL, html: String) {
        let url = dir.appendingPathComponent("page.html")
        let output = try CLI.run([
            "check", "--scenario", scenario, "--scheme", scheme, "--quiet", "--save",
            dir.appendingPathComponent("example.json").path, "--html", url.path,
        ])
        #expect(output.status == 1, "\(output.stderr)")
        return (url, try String(contentsOf: url, encoding: .utf8))
    }

    /// `text`'s occurrences of `part`.
    static func count(_ part: String, in text: String) -> Int { text.components(separatedBy: part).count - 1 }

    /// The seed thread's page: a lane per CPU, a row per step, the 11 slice steps outlined, the
    /// stale entry's four marks, each step's footprint for the script, nothing loaded from
    /// elsewhere.
    @Test func thePageHasALanePerCPUTheSliceAndTheStaleEntry() throws {
        let dir = try Self.directory("seed")
        let (_, html) = try Self.page("seed-thread", "rfc15-buggy", in: dir)
        #expect(Self.count("class=\"head lane-head\"", in: html) == 2)
        #expect(Self.count("<div class=\"row", in: html) == 44)
        #expect(Self.count("class=\"row in-slice\"", in: html) == 11)
        #expect(Self.count("<div class=\"why\">why: ", in: html) == 11)
        for mark in ["filled", "revoked", "due", "used"] {
            #expect(Self.count("class=\"mark mark-\(mark)\"", in: html) == 1, "\(mark)")
        }
        #expect(html.contains("filled at step 18, revoked at step 27, due at step 37, used at step 44"))
        #expect(html.contains("\"writes\":[\"PTE of A page 1 = frame 1 ro\"]"))
        // Self-contained: no URL, no external script or style sheet.
        #expect(!html.contains("http:") && !html.contains("https:") && !html.contains(" src="))
        #expect(!html.contains("<link"))
    }

    /// `replay`, `run` and `hunt` write the page too; without a counterexample nothing is
    /// written and a note says so; a missing directory is refused before any work.
    @Test func everyCommandWritesThePage() throws {
        let dir = try Self.directory("commands")
        _ = try Self.page("seed-thread", "rfc15-buggy", in: dir)
        let replayed = dir.appendingPathComponent("replay.html")
        let replay = try CLI.run([
            "replay", dir.appendingPathComponent("example.json").path, "--slice", "--html", replayed.path,
        ])
        #expect(replay.status == 1)
        #expect(Self.count("class=\"row in-slice\"", in: try String(contentsOf: replayed, encoding: .utf8)) == 11)

        let ran = dir.appendingPathComponent("run.html")
        let run = try CLI.run([
            "run", "--scenario", "remote-ipi", "--scheme", "linux~no-ipi", "--policy", "round-robin", "--html",
            ran.path,
        ])
        #expect(run.status == 1)
        #expect(try String(contentsOf: ran, encoding: .utf8).contains("class=\"mark mark-used\""))

        let hunted = dir.appendingPathComponent("hunt.html")
        let hunt = try CLI.run([
            "hunt", "--scheme", "linux~no-ipi", "--scenarios", "50", "--quiet", "--save-dir", dir.path, "--html",
            hunted.path,
        ])
        #expect(hunt.status == 1, "\(hunt.stderr)")
        #expect(try String(contentsOf: hunted, encoding: .utf8).contains("lane-head"))

        let none = dir.appendingPathComponent("none.html")
        let safe = try CLI.run(["check", "--scenario", "remote-ipi", "--quiet", "--html", none.path])
        #expect(safe.status == 0)
        #expect(safe.stderr.contains("no counterexample, so no page written to \(none.path)"))
        #expect(!FileManager.default.fileExists(atPath: none.path))

        let missing = try CLI.run([
            "check", "--scenario", "seed-thread", "--scheme", "rfc15-buggy", "--html", "/nonexistent/dir/page.html",
        ])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("the directory '/nonexistent/dir' does not exist"))
    }

    /// Headless Chromium loads the three-CPU page of `linux~partial-always` with no script
    /// error, shows a lane per CPU, opens the footprint of the step a `#step-N` link names, takes
    /// a screenshot of the size asked, and prints it to a PDF of several pages.
    @Test func chromiumRendersThePageWithoutScriptErrors() throws {
        let browser = try #require(
            Browser.find(),
            """
            headless Chromium not found: `bash scripts/install-test-deps.sh` installs Debian's chromium package \
            (or set SHOOTDOWN_CHROMIUM to a Chromium binary)
            """)
        let dir = try Self.directory("browser")
        let (url, html) = try Self.page("concurrent-flushes", "linux~partial-always", in: dir)
        #expect(Self.count("class=\"head lane-head\"", in: html) == 3)
        let steps = Self.count("<div class=\"row", in: html)

        let dom = try browser.run(["--dump-dom", url.absoluteString + "#step-\(steps)"], profile: dir)
        #expect(dom.contains("data-lanes=\"3\""), "the page's script did not finish")
        #expect(!dom.contains("data-errors"), "script errors: \(dom.prefix(600))")
        #expect(dom.contains("<h2>Step \(steps), cpu2</h2>"))
        #expect(dom.contains("VIOLATION"))

        let png = dir.appendingPathComponent("page.png")
        _ = try browser.run(
            ["--hide-scrollbars", "--window-size=1280,900", "--screenshot=\(png.path)", url.absoluteString],
            profile: dir)
        let data = try Data(contentsOf: png)
        // PNG signature, then the IHDR chunk's width and height (big-endian).
        #expect(data.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        try #require(data.count >= 24)
        let bigEndian = { (range: Range<Int>) in data[range].reduce(0) { $0 << 8 | Int($1) } }
        #expect(bigEndian(16..<20) == 1280 && bigEndian(20..<24) == 900)
        // Not blank: a white 1280 x 900 PNG takes about 6 KB, the lanes of steps over 100 KB.
        #expect(data.count > 50_000, "\(data.count) bytes")

        // Printed to PDF (the side panel and the switch left out by the print style sheet): a
        // document of several pages, the lanes breaking between steps.
        let pdf = dir.appendingPathComponent("page.pdf")
        _ = try browser.run(["--no-pdf-header-footer", "--print-to-pdf=\(pdf.path)", url.absoluteString], profile: dir)
        let document = try Data(contentsOf: pdf)
        #expect(document.prefix(5) == Data("%PDF-".utf8))
        // The page tree's `/Count N`: the number of pages.
        let text = String(decoding: document, as: UTF8.self)
        let pages = text.components(separatedBy: "/Count ").dropFirst().compactMap { Int($0.prefix { $0.isNumber }) }
        #expect(document.count > 50_000)
        #expect((pages.max() ?? 0) >= 2, "page counts \(pages)")
    }
}

/// A headless Chromium to load pages with.
struct Browser {
    let path: String

    /// `SHOOTDOWN_CHROMIUM`, else the first of chromium, chromium-browser, google-chrome on the `PATH`.
    static func find() -> Browser? {
        if let path = ProcessInfo.processInfo.environment["SHOOTDOWN_CHROMIUM"] { return Browser(path: path) }
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for dir in dirs where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
                return Browser(path: "\(dir)/\(name)")
            }
        }
        return nil
    }

    /// Runs the browser headless with `arguments` and a profile of its own under `profile`;
    /// returns standard output. Killed after 120 s.
    func run(_ arguments: [String], profile: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--user-data-dir=\(profile.appendingPathComponent("profile-\(UUID().uuidString)").path)",
            ] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: watchdog)
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog.cancel()
        return String(decoding: data, as: UTF8.self)
    }
}
