import Foundation
import Testing

/// Runs the built `shootdown` executable, as a user would (swift-argument-parser's pattern).
struct CLI {
    /// The executable beside the test bundle in the build folder.
    static var executable: URL {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<3 where !FileManager.default.fileExists(atPath: dir.appendingPathComponent("shootdown").path) {
            dir = dir.deletingLastPathComponent()
        }
        return dir.appendingPathComponent("shootdown")
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String]) throws -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }
}

@Suite struct CLITests {
    @Test func listPrintsScenariosSchemesAndMutantsAsJSON() throws {
        let output = try CLI.run(["list", "--format", "json"])
        #expect(output.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: [String]])
        #expect(
            json["schemes"] == [
                "linux", "rfc15-buggy", "rfc15", "ring-list", "ring-union", "oracle-hw", "oracle-sw", "linux-ipi-lazy",
                "linux-6.6.y", "linux-6.14", "linux-6.15",
            ])
        #expect(json["scenarios"]?.contains("remote-ipi") == true)
        #expect(json["mutants"]?.contains("linux~no-ipi") == true)
        #expect(json["mutants"]?.contains("linux~no-lazy-catchup") == true)
        #expect(json["mutants"]?.contains("ring-list~overtaken-race") == true)
        #expect(json["mutants"]?.contains("linux-6.6.y~cve-2025-37964") == true)
        #expect(json["mutants"]?.contains("linux-6.14~cve-2025-40174") == true)
        #expect(json["workloads"]?.contains("tlb-flush2") == true)
    }

    @Test func runPrintsCountersAndIsByteIdentical() throws {
        let args = ["run", "--scenario", "switch-away", "--scheme", "linux", "--seed", "3", "--format", "json"]
        let first = try CLI.run(args)
        let second = try CLI.run(args)
        #expect(first.status == 0)
        #expect(first.stdout == second.stdout)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        #expect(json["scenario"] as? String == "switch-away")
        #expect(json["scheme"] as? String == "linux")
        #expect(json["seed"] as? Int == 3)
        let counters = try #require(json["counters"] as? [String: Int])
        for name in [
            "nr_tlb_remote_flush", "nr_tlb_remote_flush_received", "nr_tlb_local_flush_all",
            "nr_tlb_local_flush_one", "full_flushes", "ranged_flushes", "ipis_skipped_lazy",
            "pages_invalidated", "tlb_fills", "context_switches", "steps", "violations",
        ] {
            #expect(counters[name] != nil, "missing counter \(name)")
        }
        #expect((json["violations"] as? [Any])?.isEmpty == true)
    }

    @Test func violationPrintsTimelineAndAReplayThatReproducesIt() throws {
        let output = try CLI.run([
            "run", "--scenario", "remote-ipi", "--scheme", "linux~no-ipi", "--seed", "0", "--format", "json",
        ])
        #expect(output.status == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        let violation = try #require((json["violations"] as? [[String: Any]])?.first)
        #expect(violation["kind"] as? String == "stale-translation")
        #expect(violation["cpu"] as? Int == 0)
        #expect(violation["page"] as? Int == 0)
        let replay = try #require(violation["replay"] as? String)
        #expect(replay == "shootdown run --scenario remote-ipi --scheme linux~no-ipi --seed 0")
        let again = try CLI.run(
            Array(replay.split(separator: " ").dropFirst().map(String.init)) + ["--format", "json"])
        #expect(again.status == 1)
        #expect(again.stdout == output.stdout)
        let text = try CLI.run(["run", "--scenario", "remote-ipi", "--scheme", "linux~no-ipi", "--seed", "0"])
        #expect(text.stdout.contains("Timeline:"))
        #expect(text.stdout.contains("VIOLATION (stale-translation)"))
        #expect(text.stdout.contains("replay: \(replay)"))
    }

    @Test func malformedScenarioFileExitsTwoNamingLineAndField() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(getpid()).scn").path
        try "cpus 2\nmm A\nthread t mm=A cpu=7\n  read 0\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let output = try CLI.run(["run", "--scenario", path])
        #expect(output.status == 2)
        #expect(output.stderr.contains("\(path):3: field 'cpu': expected a CPU number below 2"))
    }

    @Test(arguments: [
        (["run", "--scenario", "no-such-scenario"], "unknown scenario 'no-such-scenario'"),
        (["run", "--scenario", "remote-ipi", "--scheme", "ring"], "unknown scheme 'ring'"),
        (["run", "--scenario", "remote-ipi", "--scheme", "linux~typo"], "unknown mutant 'linux~typo'"),
        (["run", "--scenario", "remote-ipi", "--scheme", "ring-list:size=0"], "size must be 1...64 slots, found '0'"),
        (["check", "--scenario", "remote-ipi", "--scheme", "ring-union:slots=2"], "unknown parameter 'slots'"),
        (["run", "--scenario", "remote-ipi", "--scheme", "linux:size=2"], "linux takes no parameters"),
        (["run", "--scenario", "remote-ipi", "--scheme", "ring-list~typo"], "unknown mutant 'ring-list~typo'"),
    ])
    func badNamesExitTwoWithTheWayOut(arguments: [String], message: String) throws {
        let output = try CLI.run(arguments)
        #expect(output.status == 2)
        #expect(output.stderr.contains(message))
        #expect(output.stderr.contains("shootdown list") || output.stderr.contains("built-in"))
    }

    /// Command lines ArgumentParser rejects exit 2 like every other bad input (not 64).
    @Test(arguments: [
        (["check", "--scenario", "remote-ipi", "--runs=-1"], "--runs must be positive"),
        (["check", "--scenario", "remote-ipi", "--max-depth", "0"], "--max-depth must be positive"),
        (["check", "--scenario", "remote-ipi", "--strategy", "sideways"], "'sideways' is invalid"),
        (["check", "--scenario", "remote-ipi", "--jobs", "99"], "--jobs takes 1 to 64"),
        (["run", "--scenario", "remote-ipi", "--max-steps", "0"], "--max-steps must be positive"),
        (["run", "--scenario", "remote-ipi", "--no-such-flag"], "Unknown option"),
        (["compare", "--cpus", "many"], "'many' is invalid"),
        (["hunt", "--max-cpus", "9"], "--max-cpus takes 2 to 5"),
        (["hunt", "--differential", "linux"], "--differential takes two schemes"),
    ])
    func rejectedCommandLinesExitTwo(arguments: [String], message: String) throws {
        let output = try CLI.run(arguments)
        #expect(output.status == 2)
        #expect(output.stderr.contains(message))
        #expect(output.stderr.contains("Usage: shootdown"))
    }

    @Test func huntFindsShrinksSavesAndReplays() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "hunt-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let args = [
            "hunt", "--scheme", "linux~no-ipi", "--seed", "3", "--scenarios", "3", "--states", "20000",
            "--save-dir", dir.path, "--format", "json",
        ]
        let output = try CLI.run(args)
        #expect(output.status == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        #expect(json["result"] as? String == "violation")
        let found = try #require(json["violation"] as? [String: Any])
        #expect(found["index"] as? Int == 0)
        #expect((found["shrunkOperations"] as? Int ?? 99) <= 6)
        let scenarioFile = try #require(found["scenarioFile"] as? String)
        #expect(FileManager.default.fileExists(atPath: scenarioFile))
        let check = try CLI.run(["check", "--scenario", scenarioFile, "--scheme", "linux~no-ipi", "--quiet"])
        #expect(check.status == 1)
        let replayFile = dir.appendingPathComponent("counterexample-hunt-linux-no-ipi-0.json").path
        #expect(try CLI.run(["replay", replayFile]).status == 1)
        #expect(try CLI.run(["check", "--scenario", scenarioFile, "--scheme", "linux", "--quiet"]).status == 0)
    }

    /// `hunt` searches each scenario with the checker's reductions unless told not to: fewer
    /// states for the same scenarios and verdict.
    @Test func huntReducesByDefault() throws {
        let args = ["hunt", "--scheme", "linux", "--scenarios", "10", "--jobs", "1", "--format", "json"]
        func report(_ extra: [String]) throws -> [String: Any] {
            let output = try CLI.run(args + extra)
            #expect(output.status == 0)
            return try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        }
        let reduced = try report([])
        let whole = try report(["--no-movers", "--no-dead-entries"])
        #expect(reduced["scenarios"] as? Int == 10 && whole["scenarios"] as? Int == 10)
        let fewer = try #require(reduced["states"] as? Int)
        #expect(fewer < (whole["states"] as? Int ?? 0))
    }

    @Test func huntRejectsABadShard() throws {
        let output = try CLI.run(["hunt", "--shard", "3/2"])
        #expect(output.status == 2)
        #expect(output.stderr.contains("--shard takes K/N"))
    }

    /// A budget that is no number of seconds the deadline can count (infinite, not a number,
    /// past 10^9) is refused like a negative one, not trapped on.
    @Test(arguments: ["inf", "nan", "-1", "0", "1e10"])
    func huntRejectsABudgetItCannotCount(_ budget: String) throws {
        let output = try CLI.run(["hunt", "--budget=\(budget)", "--scenarios", "1"])
        #expect(output.status == 2)
        #expect(output.stderr.contains("--budget must be positive seconds, at most 1e9"))
    }

    @Test func versionNamesTheKernelModelled() throws {
        let output = try CLI.run(["--version"])
        #expect(output.status == 0)
        #expect(output.stdout.hasPrefix("shootdown ") && output.stdout.contains("Linux v6.6.0"))
    }

    @Test func demoShowsLinuxSafeAndEveryMutantCaught() throws {
        let output = try CLI.run(["demo", "--seeds", "20"])
        #expect(output.status == 0)
        #expect(!output.stdout.contains("not caught"))
        #expect(output.stdout.contains("linux~no-ipi"))
        #expect(output.stdout.contains("replay: shootdown check"))
        #expect(output.stdout.contains("rfc15-buggy                     VIOLATION (stale-write)"))
        #expect(output.stdout.contains("ring-list:size=8,switch=ranged                     pass"))
        #expect(output.stdout.contains("ring-list:size=1,switch=ranged~overtaken-race"))
        #expect(output.stdout.contains("linux-6.14~cve-2025-40174"))
        #expect(output.stdout.contains("linux-6.15~no-switching-wait"))
    }
}
