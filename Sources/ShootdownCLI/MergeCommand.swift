import ArgumentParser
import Foundation
import ShootdownReport

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Combine the JSON results of `shootdown hunt` or `shootdown check` shards into one verdict.",
        discussion: """
            The shards must be of one search (hunt: the same scheme, seed and scope; check: the same \
            scenario, scheme, mode and bounds) and each shard at most once. A hunt's merged result \
            covers every scenario the shards checked; its violation is the one in the scenario of the \
            lowest index. A check's is a violation if a shard found one (exhaustive: the lowest \
            shard's; random: the lowest failing run's), a pass only when all N shards passed, else \
            incomplete. Exits 0 on a pass, 1 on a violation, 2 on bad input (a file that is no hunt \
            or check result, shards of different searches), 3 when incomplete (a check shard missing \
            or stopped early).

            Examples (two machines, then one merge; docs/distributed.md for Slurm and Kubernetes):
              shootdown hunt --scheme linux --shard 1/2 --format json > shard1.json
              shootdown hunt --scheme linux --shard 2/2 --format json > shard2.json
              shootdown merge shard1.json shard2.json
              shootdown check --scenario FILE --shard 1/2 --format json > check1.json
              shootdown check --scenario FILE --shard 2/2 --format json > check2.json
              shootdown merge check1.json check2.json
            """
    )

    @Argument(help: "JSON results of `shootdown hunt --format json` or `shootdown check --format json`, one per shard.")
    var files: [String]

    @OptionGroup var output: FormatOption

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("name at least one hunt result") }
    }

    func run() throws {
        var texts: [(file: String, data: Data)] = []
        for file in files { texts.append((file, Data(try readFile(file).utf8))) }
        // A check result has a mode; a hunt result has none.
        let isCheck = { (data: Data) in
            ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any])?["mode"] != nil
        }
        if let first = texts.first, isCheck(first.data) {
            try mergeChecks(texts)
            return
        }
        let reports = try decode(HuntReport.self, texts, of: "hunt") { data in
            isCheck(data) ? " (it is a check result: merge checks with checks)" : ""
        }
        let merged: HuntReport
        do {
            merged = try HuntReport.merging(reports)
        } catch {
            throw fail(error.description)
        }
        switch output.format {
        case .json: print(merged.json())
        case .text: print(merged.text())
        }
        if merged.violation != nil { throw ExitCode(1) }
    }

    /// Each of `texts` decoded as a `T`, the JSON `shootdown COMMAND --format json` prints; a
    /// file that is not one fails (exit 2), with `hint` of its data appended to the message.
    func decode<T: Decodable>(
        _ type: T.Type, _ texts: [(file: String, data: Data)], of command: String,
        hint: (Data) -> String = { _ in "" }
    ) throws -> [T] {
        try texts.map { file, data in
            do {
                return try JSONDecoder().decode(T.self, from: data)
            } catch {
                throw fail("'\(file)' is not the JSON of `shootdown \(command) --format json`\(hint(data)): \(error)")
            }
        }
    }

    /// Merges the results of `shootdown check --shard K/N` and prints the verdict.
    func mergeChecks(_ texts: [(file: String, data: Data)]) throws {
        let reports = try decode(CheckReport.self, texts, of: "check")
        let merged: CheckReport
        do {
            merged = try CheckReport.merging(reports)
        } catch {
            throw fail(error.description)
        }
        switch output.format {
        case .json: print(merged.json())
        case .text:
            let cpus = (try? merged.counterexample?.parsedScenario())?.cpuCount ?? 1
            print(merged.text(cpus: cpus))
        }
        if merged.counterexample != nil { throw ExitCode(1) }
        if merged.result == "incomplete" { throw ExitCode(3) }
    }
}
