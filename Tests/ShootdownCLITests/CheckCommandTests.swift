import Foundation
import ShootdownModel
import Testing

@Suite struct CheckCommandTests {
    func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// The output without its wall-clock fields, which are the only ones allowed to differ.
    func withoutTiming(_ text: String) throws -> String {
        var object = try json(text)
        object["seconds"] = nil
        object["statesPerSecond"] = nil
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(getpid()).json").path
    }

    @Test func exhaustivePassReportsCoverage() throws {
        let output = try CLI.run(["check", "--scenario", "remote-ipi", "--format", "json", "--quiet"])
        #expect(output.status == 0)
        let report = try json(output.stdout)
        #expect(report["result"] as? String == "pass")
        for key in ["states", "transitions", "maxDepth", "seconds", "statesPerSecond"] {
            #expect(report[key] != nil, "missing \(key)")
        }
        #expect(report["counterexample"] == nil)
        #expect((report["states"] as? Int ?? 0) > 100)
    }

    @Test func violationIsShrunkSavedAndReplayed() throws {
        let path = temporaryPath("ce")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let output = try CLI.run([
            "check", "--scenario", "remote-ipi", "--scheme", "linux~no-ipi", "--format", "json", "--save", path,
        ])
        #expect(output.status == 1)
        let report = try json(output.stdout)
        #expect(report["result"] as? String == "violation")
        let example = try #require(report["counterexample"] as? [String: Any])
        #expect((example["schedule"] as? [String])?.count ?? 99 <= 20)
        #expect((example["steps"] as? [Any])?.isEmpty == false)
        #expect(example["replay"] as? String == "shootdown replay \(path)")
        #expect(try CLI.run(["replay", path]).status == 1)
        // The same schedule under Linux's code does not reproduce the violation.
        let saved = try String(contentsOfFile: path, encoding: .utf8)
        try saved.replacingOccurrences(of: "\"linux~no-ipi\"", with: "\"linux\"")
            .write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["replay", path]).status == 0)
        try "{\"not\": \"a counterexample\"}".write(toFile: path, atomically: true, encoding: .utf8)
        let bad = try CLI.run(["replay", path])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("is not a counterexample"))
    }

    /// The counterexample's causal slice above its full timeline; `--slice` prints the slice
    /// alone, `--full` the timeline alone, both at once is refused; JSON carries the slice's step
    /// numbers, the violating step last; `replay` prints the slice too.
    @Test func theSliceIsPrintedAboveTheTimeline() throws {
        let path = temporaryPath("slice")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let base = ["check", "--scenario", "seed-thread", "--scheme", "rfc15-buggy", "--quiet", "--save", path]
        let both = try CLI.run(base)
        #expect(both.status == 1)
        let sliceAt = try #require(both.stdout.range(of: "Causal slice ("))
        let fullAt = try #require(both.stdout.range(of: "Full timeline:"))
        #expect(sliceAt.lowerBound < fullAt.lowerBound)
        let slice = try CLI.run(base + ["--slice"])
        #expect(slice.stdout.contains("Causal slice (") && !slice.stdout.contains("Full timeline:"))
        #expect(slice.stdout.contains("cpu0 switch_mm_irqs_off: A: ASID 2 tlb_gen 2 vs 2: CR3 | NOFLUSH"))
        #expect(!slice.stdout.contains("cpumask_set_cpu"))
        // Each slice step says why it matters, under its last event.
        #expect(
            slice.stdout.contains(
                "cpu0 switch_mm_irqs_off: A: ASID 2 tlb_gen 2 vs 2: CR3 | NOFLUSH\n" + String(repeating: " ", count: 12)
                    + "why: reads A->context.tlb_gen = 2: compares it with its own generation, whether it must flush"))
        let full = try CLI.run(base + ["--full"])
        #expect(!full.stdout.contains("Causal slice (") && full.stdout.contains("cpumask_set_cpu"))
        let refused = try CLI.run(base + ["--slice", "--full"])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--slice and --full exclude each other"))
        let report = try json(try CLI.run(base + ["--format", "json"]).stdout)
        let example = try #require(report["counterexample"] as? [String: Any])
        let steps = try #require(example["slice"] as? [Int])
        #expect(steps.count <= 12)
        #expect(steps.last == (example["schedule"] as? [String])?.count)
        let replayed = try CLI.run(["replay", path, "--slice"])
        #expect(replayed.status == 1)
        #expect(replayed.stdout.hasPrefix("Causal slice (\(steps.count) of "))
        // Markdown: the slice as a numbered list, an item a step, and the timeline as a table.
        let markdown = try CLI.run(base + ["--format", "markdown"]).stdout
        #expect(markdown.contains("**Causal slice**, \(steps.count) of "))
        #expect(markdown.contains("\n\(steps.count). step \(steps.last!), cpu0 `user`: write page 1: TLB hit"))
        #expect(markdown.contains("*Why:* the violation (stale-write)"))
        #expect(!markdown.contains("\n\(steps.count + 1). "))
        #expect(markdown.contains("| step | cpu | function | what |"))
        #expect(markdown.contains("CR3 \\| NOFLUSH |"))
        #expect(try CLI.run(["replay", path, "--format", "markdown"]).stdout.hasPrefix("**Violation** (`stale-write`"))
    }

    @Test func randomModeIsDeterministicAcrossJobs() throws {
        let path = temporaryPath("random")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let base = [
            "check", "--scenario", "nested-madvise", "--scheme", "linux~no-nested-flush", "--mode", "random",
            "--runs", "300", "--seed", "4", "--format", "json", "--save", path,
        ]
        let one = try CLI.run(base + ["--jobs", "1"])
        let two = try CLI.run(base + ["--jobs", "2"])
        #expect(one.status == 1)
        #expect(two.status == 1)
        #expect(try withoutTiming(one.stdout) == withoutTiming(two.stdout))
        let random = try #require(try json(one.stdout)["random"] as? [String: Any])
        for key in ["n", "k", "d", "perRunBound", "runsFor95", "failingRun", "failingSeed"] {
            #expect(random[key] != nil, "missing \(key)")
        }
        let again = try CLI.run(base + ["--jobs", "1"])
        #expect(try withoutTiming(again.stdout) == withoutTiming(one.stdout))
        let bytes1 = try CLI.run(base + ["--jobs", "1", "--no-timing"])
        let bytes2 = try CLI.run(base + ["--jobs", "2", "--no-timing"])
        #expect(bytes1.stdout == bytes2.stdout)
    }

    /// `--jobs` for exhaustive mode: a violation and its counterexample print the same bytes for
    /// every number of workers; a pass says how many searched.
    @Test func exhaustiveModeGivesTheSameVerdictForEveryJobs() throws {
        let path = temporaryPath("jobs")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let base = [
            "check", "--scenario", "seed-thread", "--scheme", "rfc15-buggy", "--quiet", "--no-timing", "--save", path,
        ]
        let one = try CLI.run(base + ["--jobs", "1"])
        let two = try CLI.run(base + ["--jobs", "2"])
        #expect(one.status == 1 && two.status == 1)
        #expect(one.stdout == two.stdout)
        let pass = try CLI.run(["check", "--scenario", "concurrent-flushes", "--quiet", "--jobs", "2"])
        #expect(pass.status == 0)
        #expect(pass.stdout.hasPrefix("PASS: concurrent-flushes under linux, exhaustive, 2 workers"))
        #expect(try CLI.run(["check", "--scenario", "remote-ipi", "--jobs", "0"]).status == 2)
    }

    /// `--shard K/N` and `shootdown merge`: two shards of a pass merge to a pass, one alone to
    /// incomplete (exit 3); shards of a violating search merge to a violation; random shards
    /// merge to the failing run an unsharded search reports; shards of different searches (or of
    /// one with different reductions), a shard twice, and a check mixed with a hunt are refused
    /// (exit 2).
    @Test func shardsMergeIntoTheWholeVerdict() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("shards-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func shard(_ k: Int, of n: Int, _ args: [String]) throws -> String {
            let path = dir.appendingPathComponent("\(args.joined())-\(k).json").path
            let output = try CLI.run(
                ["check", "--quiet", "--format", "json", "--save", path + ".ce", "--shard", "\(k)/\(n)"] + args)
            try output.stdout.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let pass = ["--scenario", "concurrent-flushes"]
        let passes = try (1...2).map { try shard($0, of: 2, pass) }
        let merged = try CLI.run(["merge"] + passes)
        #expect(merged.status == 0)
        #expect(merged.stdout.hasPrefix("PASS: concurrent-flushes under linux, exhaustive"))
        let alone = try CLI.run(["merge", passes[0]])
        #expect(alone.status == 3)
        #expect(alone.stdout.contains("incomplete: shards missing: 2/2"))

        let bug = ["--scenario", "concurrent-flushes", "--scheme", "linux~partial-always"]
        let violated = try CLI.run(["merge"] + (1...3).map { try shard($0, of: 3, bug) })
        #expect(violated.status == 1)
        #expect(violated.stdout.contains("Counterexample ("))

        let random = [
            "--scenario", "nested-madvise", "--scheme", "linux~no-nested-flush", "--mode", "random", "--runs", "300",
            "--seed", "4",
        ]
        let whole = try json(
            try CLI.run(["check", "--quiet", "--format", "json", "--save", dir.path + "/r"] + random).stdout)
        let runs = try json(
            try CLI.run(["merge", "--format", "json"] + (1...2).map { try shard($0, of: 2, random) }).stdout)
        let failing = (whole["random"] as? [String: Any])?["failingRun"] as? Int
        #expect(failing != nil)
        #expect((runs["random"] as? [String: Any])?["failingRun"] as? Int == failing)

        let mixed = try CLI.run(["merge", passes[0], try shard(2, of: 2, bug)])
        #expect(mixed.status == 2)
        #expect(mixed.stderr.contains("is not of the search of shard 1/2"))
        let reduced = try CLI.run([
            "merge", passes[0], try shard(2, of: 2, pass + ["--no-movers", "--no-dead-entries"]),
        ])
        #expect(reduced.status == 2)
        #expect(reduced.stderr.contains("with the same options"))
        let twice = try CLI.run(["merge", passes[0], passes[0]])
        #expect(twice.status == 2)
        #expect(twice.stderr.contains("comes twice"))
        #expect(try CLI.run(["check", "--scenario", "remote-ipi", "--shard", "3/2"]).status == 2)
    }

    /// A shard's JSON whose figures no `shootdown check` or `hunt` prints (a name that is not
    /// K/N, a count below 0 or past `Int` when summed, a rate past any search) is refused with
    /// the field named (exit 2), never a trap.
    @Test func aShardWithFiguresNoShardPrintsIsRefused() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bad-shards-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let check = try json(
            try CLI.run(["check", "--scenario", "remote-ipi", "--quiet", "--format", "json", "--shard", "1/2"]).stdout)
        let hunt = try json(
            try CLI.run(["hunt", "--budget", "1", "--scenarios", "3", "--quiet", "--format", "json", "--shard", "1/2"])
                .stdout)
        // (the result, its field, the value, the message, refused alone too: not only summed)
        let cases: [([String: Any], String, Any, String, Bool)] = [
            (check, "statesPerSecond", -1e308, "'statesPerSecond' of -1e+308", true),
            (check, "statesPerSecond", 1e300, "'statesPerSecond' of 1e+300", true),
            (check, "states", -5, "'states' of -5", true),
            (check, "transitions", Int.max, "'transitions' of \(Int.max)", false),
            (check, "shard", "1/0", "shard '1/0' is not K/N", true),
            (check, "shard", "3/2", "shard '3/2' is not K/N", true),
            (hunt, "shard", "0/2", "shard '0/2' is not K/N", true),
            (hunt, "states", -1, "'states' of -1", true),
            (hunt, "scenarios", Int.max, "'scenarios' of \(Int.max)", false),
            (hunt, "seconds", 1e300, "'seconds' of 1e+300", true),
        ]
        for (index, (base, field, value, message, alone)) in cases.enumerated() {
            var report = base
            report[field] = value
            let path = dir.appendingPathComponent("\(index).json").path
            try JSONSerialization.data(withJSONObject: report).write(to: URL(fileURLWithPath: path))
            var twin = report
            twin["shard"] = "2/2"
            let other = dir.appendingPathComponent("\(index)-2.json").path
            try JSONSerialization.data(withJSONObject: twin).write(to: URL(fileURLWithPath: other))
            for files in alone ? [[path], [other, path]] : [[other, path]] {
                let merged = try CLI.run(["merge"] + files)
                #expect(merged.status == 2, "\(field) = \(value)")
                #expect(merged.stderr.contains(message), "\(merged.stderr)")
            }
        }
    }

    /// `--bitstate SIZE`: the report says what the bits cost in omissions; the mode takes one
    /// worker over an exhaustive search and a size, and says so otherwise.
    @Test func bitstateModeReportsItsOmissions() throws {
        let base = ["check", "--scenario", "nested-madvise", "--quiet", "--no-movers", "--no-dead-entries"]
        let small = try CLI.run(base + ["--bitstate", "4K"])
        #expect(small.status == 0)
        #expect(small.stdout.hasPrefix("PASS: nested-madvise under linux, exhaustive, bitstate"))
        #expect(small.stdout.contains("bitstate: 4K, 3 bits a state, hash factor"))
        let report = try json(try CLI.run(base + ["--bitstate", "16M", "--format", "json"]).stdout)
        let bitstate = try #require(report["bitstate"] as? [String: Any])
        #expect((bitstate["hashFactor"] as? Double ?? 0) > 1000)
        #expect(report["states"] as? Int == 58_194)
        for (args, message) in [
            (["--bitstate", "1M", "--jobs", "2"], "--bitstate runs one worker"),
            (["--bitstate", "1M", "--mode", "random"], "--bitstate is for exhaustive mode"),
            (["--bitstate", "lots"], "--bitstate takes a size such as 512M"),
        ] {
            let refused = try CLI.run(base + args)
            #expect(refused.status == 2)
            #expect(refused.stderr.contains(message))
        }
    }

    /// `--source-sets`: fewer states, the same verdict, one worker (even on a machine of many
    /// cores), said in the text and the JSON; contradictory options are refused.
    @Test func sourceSetsExploreFewerStates() throws {
        let check = ["check", "--scenario", "nested-madvise", "--quiet"]
        let base = check + ["--no-movers", "--no-dead-entries"]
        let text = try CLI.run(base + ["--source-sets"])
        #expect(text.status == 0)
        #expect(text.stdout.hasPrefix("PASS: nested-madvise under linux, exhaustive\n"))
        #expect(text.stdout.contains("sleep sets on, source sets on"))
        let report = try json(try CLI.run(base + ["--source-sets", "--format", "json"]).stdout)
        #expect(report["states"] as? Int == 40_032)
        #expect(report["sourceSets"] as? Bool == true)
        #expect(report["jobs"] as? Int == 1)
        let caught = try CLI.run([
            "check", "--scenario", "lazy-sleep", "--scheme", "linux~no-switch-catchup", "--source-sets", "--quiet",
        ])
        #expect(caught.status == 1)
        #expect(caught.stdout.contains("used page 0 of A through a stale TLB entry"))
        for (args, message) in [
            (["--source-sets", "--jobs", "2"], "--source-sets runs one worker"),
            (["--source-sets", "--no-reduction"], "drop --no-reduction and --bitstate"),
            (["--source-sets", "--mode", "random"], "--source-sets is for exhaustive mode"),
        ] {
            let refused = try CLI.run(check + args)
            #expect(refused.status == 2)
            #expect(refused.stderr.contains(message))
        }
    }

    /// The oracles read other CPUs' TLB entries, which the footprints keep as each CPU's own: the
    /// search runs without sleep sets there and says why, in the text and the JSON.
    @Test func oraclesRunWithoutSleepSets() throws {
        let text = try CLI.run(["check", "--scenario", "lazy-sleep", "--scheme", "oracle-sw", "--jobs", "1"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("sleep sets off (the scheme reads other CPUs' TLB entries)"))
        let report = try json(
            try CLI.run(["check", "--scenario", "lazy-sleep", "--scheme", "oracle-sw", "--format", "json"]).stdout)
        #expect(report["sleepSetsRefused"] as? Bool == true)
        #expect(report["reduction"] as? Bool == false)
        let linux = try json(try CLI.run(["check", "--scenario", "lazy-sleep", "--format", "json"]).stdout)
        #expect(linux["sleepSetsRefused"] == nil)
    }

    /// Movers, on by default: fewer states, the same verdict, with every worker count; the
    /// counterexample lists every step (its replay command reaches the violation); said in the
    /// text and the JSON; `--no-movers` turns them off; either flag is refused in random mode,
    /// which runs without them.
    @Test func moversExploreFewerStates() throws {
        let base = ["check", "--scenario", "nested-madvise", "--quiet"]
        for jobs in ["1", "2"] {
            let text = try CLI.run(base + ["--jobs", jobs])
            #expect(text.status == 0)
            #expect(text.stdout.hasPrefix("PASS: nested-madvise under linux, exhaustive"))
            #expect(text.stdout.contains("sleep sets on, movers fused, dead TLB entries left out"))
        }
        let report = try json(try CLI.run(base + ["--no-dead-entries", "--jobs", "1", "--format", "json"]).stdout)
        #expect(report["states"] as? Int == 13_235)
        #expect(report["movers"] as? Bool == true)
        let plain = try json(
            try CLI.run(base + ["--no-movers", "--no-dead-entries", "--jobs", "1", "--format", "json"]).stdout)
        #expect(plain["states"] as? Int == 58_194)
        #expect(plain["movers"] == nil)
        for jobs in ["1", "2"] {
            let saved = temporaryPath("movers-\(jobs)")
            let caught = try CLI.run([
                "check", "--scenario", "mremap-migrate", "--scheme", "linux~mremap-flush-unlocked",
                "--jobs", jobs, "--save", saved, "--quiet",
            ])
            #expect(caught.status == 1)
            #expect(try CLI.run(["replay", saved]).status == 1)
        }
        for flag in ["--movers", "--no-movers"] {
            let refused = try CLI.run(base + [flag, "--mode", "random"])
            #expect(refused.status == 2)
            #expect(refused.stderr.contains("\(flag) is for exhaustive mode"))
        }
        #expect(try CLI.run(base + ["--mode", "random", "--runs", "20"]).status == 0)
    }

    /// Dead entries, on by default: fewer states, the same verdict, said in the text and the
    /// JSON; under an oracle (which reads the TLBs' entries) nothing is left out, and the report
    /// says so by its silence; `--no-dead-entries` turns them off; refused in random mode.
    @Test func deadEntriesExploreFewerStates() throws {
        let base = ["check", "--scenario", "numa-migrate", "--quiet", "--jobs", "1", "--no-movers"]
        let text = try CLI.run(base)
        #expect(text.status == 0)
        #expect(text.stdout.contains("sleep sets on, dead TLB entries left out"))
        let report = try json(try CLI.run(base + ["--format", "json"]).stdout)
        #expect(report["states"] as? Int == 16_499)
        #expect(report["deadEntries"] as? Bool == true)
        let plain = try json(try CLI.run(base + ["--no-dead-entries", "--format", "json"]).stdout)
        #expect(plain["states"] as? Int == 29_614)
        #expect(plain["deadEntries"] == nil)
        let oracle = try json(try CLI.run(base + ["--scheme", "oracle-sw", "--format", "json"]).stdout)
        #expect(oracle["deadEntries"] == nil)
        let caught = try CLI.run([
            "check", "--scenario", "lazy-sleep", "--scheme", "linux~no-switch-catchup", "--no-movers", "--quiet",
        ])
        #expect(caught.status == 1)
        for flag in ["--dead-entries", "--no-dead-entries"] {
            let refused = try CLI.run(["check", "--scenario", "numa-migrate", flag, "--mode", "random"])
            #expect(refused.status == 2)
            #expect(refused.stderr.contains("\(flag) is for exhaustive mode"))
        }
    }

    /// Past `--max-memory` the search stops and says what it covered (exit 3), never a crash; a
    /// size that is not one exits 2.
    @Test func theMemoryBoundStopsTheSearch() throws {
        // The whole model's states: with the default reductions the search fits in 64K.
        let base = ["check", "--scenario", "nested-madvise", "--quiet", "--no-movers", "--no-dead-entries"]
        let bounded = try CLI.run(base + ["--max-memory", "64K", "--format", "json"])
        #expect(bounded.status == 3)
        let report = try json(bounded.stdout)
        #expect(report["result"] as? String == "incomplete")
        #expect(report["incomplete"] as? String == "memory")
        #expect(report["maxMemory"] as? Int == 65_536)
        let states = try #require(report["states"] as? Int)
        #expect(states > 1_000 && states < 58_194)
        let text = try CLI.run(base + ["--max-memory", "64K"])
        #expect(text.stdout.hasPrefix("INCOMPLETE: nested-madvise under linux, exhaustive"))
        #expect(text.stdout.contains("stopped at the memory bound (--max-memory 64K)"))
        #expect(try CLI.run(base + ["--max-memory", "1G"]).status == 0)
        let bad = try CLI.run(base + ["--max-memory", "lots"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("--max-memory takes a size such as 512M or 2G"))
    }

    /// Ctrl-C during a long exhaustive search stops it cleanly: the report says how far it got
    /// and the exit status is 3.
    @Test func ctrlCStopsTheSearchAndReportsWhatItCovered() throws {
        let path = temporaryPath("four-cpus")
        try BenchmarkScenarios.scale4CPU.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = ["check", "--scenario", path, "--quiet", "--format", "json"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        // Until the search has its handler (a loaded machine starts a debug binary slowly), a
        // SIGINT may be ignored: send one every half second until it stops.
        Thread.sleep(forTimeInterval: 2)
        for _ in 0..<60 where process.isRunning {
            process.interrupt()
            Thread.sleep(forTimeInterval: 0.5)
        }
        // Never hang the test run: a search that did not stop is killed (and the test fails).
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 3)
        let report = try json(String(decoding: stdout, as: UTF8.self))
        #expect(report["result"] as? String == "incomplete")
        #expect(report["incomplete"] as? String == "interrupted")
        #expect((report["states"] as? Int ?? 0) >= 4_096)
    }

    @Test func badArgumentsExitTwo() throws {
        let output = try CLI.run(["check", "--scenario", "remote-ipi", "--mode", "random", "--strategy", "dfs"])
        #expect(output.status == 2)
        #expect(output.stderr.contains("The value 'dfs' is invalid for '--strategy <strategy>'"))
    }

    @Test func tooManyCPUsForExhaustiveModeExitTwo() throws {
        // Six CPUs: beyond the exhaustive checker's sleep sets, within random mode's reach.
        let path = temporaryPath("six-cpus")
        try "cpus 6\nmm A\n  map 0 write populated\nthread t mm=A cpu=0\n  read 0\n".write(
            toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let exhaustive = try CLI.run(["check", "--scenario", path])
        #expect(exhaustive.status == 2)
        #expect(exhaustive.stderr.contains("at most 5 CPUs; the scenario has 6 (random mode takes up to 10"))
        let random = try CLI.run(["check", "--scenario", path, "--mode", "random", "--runs", "2"])
        #expect(random.status == 0)
    }
}
