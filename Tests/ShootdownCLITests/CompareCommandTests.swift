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

    @Test(arguments: [
        (["compare", "--workload", "tlb-flush9"], "unknown workload 'tlb-flush9'"),
        (["compare", "--workload", "tlb-flush2", "--cpus", "257"], "--cpus must be 1...256"),
        (["compare", "--workload", "tlb-flush2", "--sweep", "cpu=4"], "--sweep takes cpus=N,N"),
        (["compare", "--workload", "tlb-flush2", "--schemes", "linux,ring"], "unknown scheme 'ring'"),
        (["compare", "--workload", "tlb-flush2", "--cost-model", "/nonexistent.json"], "cannot read cost model"),
    ])
    func badInputExitsTwoAndSaysWhy(arguments: [String], message: String) throws {
        let output = try CLI.run(arguments)
        #expect(output.status == 2)
        #expect(output.stderr.contains(message))
    }
}
