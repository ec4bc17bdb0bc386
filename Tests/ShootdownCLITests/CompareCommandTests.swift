import Foundation
import Testing

/// `shootdown compare` end to end: the JSON keys scripts rely on, byte-identical output for the
/// same arguments, sweeps, charts, and bad input.
@Suite struct CompareCommandTests {
    @Test func jsonHasTheDocumentedKeysAndIsDeterministic() throws {
        let arguments = ["compare", "--workload", "tlb-flush2", "--cpus", "4", "--iterations", "3", "--format", "json"]
        let first = try CLI.run(arguments)
        let second = try CLI.run(arguments)
        #expect(first.status == 0)
        #expect(first.stdout == second.stdout)
        let json = try #require(
            JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        #expect(json["workload"] as? String == "tlb-flush2")
        #expect(json["cpus"] as? Int == 4)
        #expect(json["seed"] as? Int == 0)
        let costs = try #require(json["costModel"] as? [String: Int])
        #expect(costs["invlpg"] == 227)
        let schemes = try #require(json["schemes"] as? [[String: Any]])
        #expect(
            schemes.map { $0["scheme"] as? String } == [
                "linux", "rfc15", "ring-list:size=8,switch=ranged", "oracle-hw", "oracle-sw",
            ])
        let counters = try #require(schemes[0]["counters"] as? [String: Int])
        for key in [
            "ipis_sent", "full_flushes", "ranged_flushes", "pages_invalidated", "cycles_flush", "cycles_refill",
            "tlb_misses", "latency_p50", "latency_p99", "violations",
        ] {
            #expect(counters[key] != nil, "\(key)")
        }
        #expect(counters["violations"] == 0)
        let ratios = try #require(schemes[0]["vsOracle"] as? [String: Double])
        #expect(ratios["tlb_misses"].map { $0 >= 1 } == true)
    }

    /// `--thp on`: each process zaps its own huge page whole, so each flush is one INVLPG (the
    /// PMD stride) where 512 small pages are over the ceiling and flush the whole TLB.
    @Test func hugePagesTurnFullFlushesIntoOneInvalidation() throws {
        func linux(_ thp: String) throws -> [String: Int] {
            let output = try CLI.run([
                "compare", "--workload", "tlb-flush1", "--cpus", "4", "--pages", "512", "--iterations", "5",
                "--schemes", "linux", "--thp", thp, "--format", "json",
            ])
            #expect(output.status == 0)
            let json = try #require(JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
            #expect(json["thp"] as? Bool == (thp == "on"))
            let schemes = try #require(json["schemes"] as? [[String: Any]])
            return try #require(schemes[0]["counters"] as? [String: Int])
        }
        let huge = try linux("on")
        #expect(huge["full_flushes"] == 0)
        #expect(huge["ranged_flushes"] == 20)
        #expect(huge["pages_invalidated"] == 20)
        #expect(huge["violations"] == 0)
        let small = try linux("off")
        #expect(small["full_flushes"] == 20)
        #expect(small["pages_invalidated"] == 0)
        #expect(small["tlb_misses"]! > 10 * huge["tlb_misses"]!)
    }

    @Test func sweepWritesOneRowPerCPUCountAndAChart() throws {
        let path = NSTemporaryDirectory() + "shootdown-sweep-\(getpid()).svg"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let output = try CLI.run([
            "compare", "--workload", "tlb-flush1", "--sweep", "cpus=1,2", "--iterations", "2", "--schemes", "linux",
            "--format", "csv", "--svg", path,
        ])
        #expect(output.status == 0)
        let lines = output.stdout.split(separator: "\n")
        #expect(lines.count == 1 + 2 * 3)
        #expect(lines[1].hasPrefix("tlb-flush1,1,0,\"linux\","))
        let svg = try String(contentsOfFile: path, encoding: .utf8)
        #expect(svg.hasPrefix("<svg"))
        #expect(svg.contains("polyline"))
    }

    /// `linux-6.15` moves tlb-flush2's mm (8 CPUs, more than 3 active) to a global ASID: a few
    /// transition IPIs, then INVLPGB and TLBSYNC; without INVLPGB it is `linux-6.14` figure for
    /// figure. Other schemes ignore the option.
    @Test func invlpgbTurnsTheFlushesIntoBroadcasts() throws {
        func counters(_ extra: [String]) throws -> [String: [String: Int]] {
            let output = try CLI.run(
                [
                    "compare", "--workload", "tlb-flush2", "--cpus", "8", "--iterations", "5", "--format", "json",
                    "--schemes", "linux,linux-6.14,linux-6.15",
                ] + extra)
            #expect(output.status == 0)
            let json = try #require(JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
            let rows = try #require(json["schemes"] as? [[String: Any]])
            return Dictionary(
                uniqueKeysWithValues: rows.map { ($0["scheme"] as! String, $0["counters"] as! [String: Int]) })
        }
        let on = try counters([])
        let off = try counters(["--invlpgb", "off"])
        #expect(on["linux-6.15"]?["global_asids"] == 1)
        #expect((on["linux-6.15"]?["invlpgbs"] ?? 0) > 0)
        #expect(on["linux-6.15"]?["invlpgbs"] == on["linux-6.15"]?["tlbsyncs"])
        #expect((on["linux-6.15"]?["ipis_sent"] ?? .max) < (on["linux-6.14"]?["ipis_sent"] ?? 0) / 4)
        #expect(off["linux-6.15"]?["global_asids"] == 0)
        #expect(off["linux-6.15"] == off["linux-6.14"])
        #expect(on["linux"] == off["linux"])
    }

    @Test(arguments: [
        (["compare", "--workload", "tlb-flush9"], "unknown workload 'tlb-flush9'"),
        (["compare", "--workload", "tlb-flush2", "--cpus", "257"], "--cpus must be 1...256"),
        (["compare", "--workload", "tlb-flush2", "--sweep", "cpu=4"], "--sweep takes cpus=N,N"),
        (["compare", "--workload", "tlb-flush2", "--schemes", "linux,ring"], "unknown scheme 'ring'"),
        (["compare", "--workload", "tlb-flush2", "--cost-model", "/nonexistent.json"], "cannot read cost model"),
        (["compare", "--workload", "tlb-flush2", "--invlpgb", "on", "--pcid", "off"], "--invlpgb on needs --pcid on"),
        (["compare", "--workload", "tlb-flush2", "--schemes", "linux-6.13"], "reached mainline in 6.14"),
    ])
    func badInputExitsTwoAndSaysWhy(arguments: [String], message: String) throws {
        let output = try CLI.run(arguments)
        #expect(output.status == 2)
        #expect(output.stderr.contains(message))
    }
}
