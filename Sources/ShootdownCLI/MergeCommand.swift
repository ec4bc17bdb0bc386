import ArgumentParser
import Foundation
import ShootdownReport

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Combine the JSON results of `shootdown hunt --shard K/N` runs into one verdict.",
        discussion: """
            The shards must be of one hunt (the same scheme, seed and scope) and each shard at most \
            once. The merged result covers every scenario the shards checked; its violation is the \
            one in the scenario of the lowest index. Exits 0 when no shard found a violation, 1 when \
            one did, 2 on bad input (a file that is no hunt result, shards of different hunts).

            Example (two machines, then one merge):
              shootdown hunt --scheme linux --shard 1/2 --format json > shard1.json
              shootdown hunt --scheme linux --shard 2/2 --format json > shard2.json
              shootdown merge shard1.json shard2.json
            """
    )

    @Argument(help: "JSON results of `shootdown hunt --format json`, one per shard.")
    var files: [String]

    @OptionGroup var output: FormatOption

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("name at least one hunt result") }
    }

    func run() throws {
        var reports: [HuntReport] = []
        for file in files {
            let text: String?
            do {
                text = try FileHandleOutput.read(file)
            } catch {
                throw fail("cannot read '\(file)': \(error.localizedDescription)")
            }
            guard let text else { throw fail("cannot read '\(file)': no such file") }
            do {
                reports.append(try JSONDecoder().decode(HuntReport.self, from: Data(text.utf8)))
            } catch {
                throw fail("'\(file)' is not the JSON of `shootdown hunt --format json`: \(error)")
            }
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
}
