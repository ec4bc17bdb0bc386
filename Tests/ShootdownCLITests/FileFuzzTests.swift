import Foundation
import Testing

/// The files a user hands the tool, mutated at random, through the built binary: a saved
/// counterexample to `shootdown replay`, a cost model to `shootdown compare`. Every run exits
/// 0, 1 or 2, and 2 with a message; none dies of a signal. (The in-process fuzz tests take
/// thousands of cases through the same parsers and engines; these few go through the CLI.)
@Suite struct FileFuzzTests {
    /// `text` with one character deleted, inserted or a digit changed, by `seed`.
    static func mutate(_ text: String, seed: Int) -> String {
        var chars = Array(text)
        var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 &+ 1
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let at = next(chars.count)
        switch next(3) {
        case 0: chars.remove(at: at)
        case 1: chars.insert(Array("\"{}[]:,-9x ")[next(11)], at: at)
        default:
            if let digit = chars.indices.dropFirst(at).first(where: { chars[$0].isNumber }) {
                chars[digit] = Array("0123456789")[next(10)]
            }
        }
        return String(chars)
    }

    static func expectCleanExit(_ output: CLI.Output, _ what: String) {
        #expect([0, 1, 2].contains(output.status), "\(what): exit \(output.status)")
        if output.status == 2 { #expect(!output.stderr.isEmpty, "\(what): exit 2 without a message") }
    }

    @Test func mutatedCounterexampleFilesReplayOrFailCleanly() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("shootdown-fuzz-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let saved = dir.appendingPathComponent("original.json").path
        let found = try CLI.run([
            "check", "--scenario", "remote-ipi", "--scheme", "linux~no-ipi", "--save", saved, "--quiet",
        ])
        #expect(found.status == 1)
        let original = try String(contentsOfFile: saved, encoding: .utf8)
        for seed in 0..<40 {
            let path = dir.appendingPathComponent("mutated-\(seed).json").path
            try Self.mutate(original, seed: seed).write(toFile: path, atomically: true, encoding: .utf8)
            Self.expectCleanExit(try CLI.run(["replay", path]), "replay of mutation \(seed)")
        }
    }

    @Test func mutatedCostModelsCompareOrFailCleanly() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("shootdown-costs-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let original = #"{"invlpg": 227, "l1Entries": 64, "l2Entries": 1536, "ipiLatency": 2000, "timeSlice": 2250000}"#
        for seed in 0..<40 {
            let path = dir.appendingPathComponent("costs-\(seed).json").path
            try Self.mutate(original, seed: seed).write(toFile: path, atomically: true, encoding: .utf8)
            let output = try CLI.run([
                "compare", "--workload", "mixed", "--cpus", "3", "--iterations", "2", "--cost-model", path,
            ])
            Self.expectCleanExit(output, "compare with cost model \(seed)")
            #expect(output.status != 1, "cost model \(seed) changed a verdict")
        }
    }
}
