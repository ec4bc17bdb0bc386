import Foundation
import ShootdownModel
import ShootdownSimulator
import Testing

/// Cost-model files mutated at random go through the parser and, when they parse, through the
/// simulator: every one either fails with a message naming the problem or simulates to the end,
/// and a cost model changes cycles, never a verdict (Linux and the ring stay violation-free).
@Suite struct CostModelFuzzTests {
    /// The defaults as a cost-model file, one key a line.
    static let defaults: [(key: String, value: String)] = CostModel.fields.map { field in
        (field.key, "\(CostModel()[keyPath: field.field])")
    }

    static let values = ["0", "1", "-1", "1.5", "1e11", "1e13", "\"x\"", "true", "null", "[]", "{}", "3", "64", ""]

    /// A file from the defaults with 1-3 random edits: a key dropped, a value replaced, a key
    /// unknown, or a character deleted or inserted anywhere.
    static func mutatedFile(_ draw: inout SeededGenerator) -> String {
        var pairs = defaults
        var text: String?
        for _ in 0...draw.next(below: 3) {
            switch draw.next(below: 5) {
            case 0: if !pairs.isEmpty { pairs.remove(at: draw.next(below: pairs.count)) }
            case 1, 2:
                let i = draw.next(below: pairs.count)
                pairs[i].value = values[draw.next(below: values.count)]
            case 3: pairs.append(("tlbHits", "1"))
            default:
                var chars = Array(render(pairs))
                let at = draw.next(below: chars.count)
                let symbols = Array(",:{}\"9 ")
                if draw.next(below: 2) == 0 {
                    chars.remove(at: at)
                } else {
                    chars.insert(symbols[draw.next(below: symbols.count)], at: at)
                }
                text = String(chars)
            }
        }
        return text ?? render(pairs)
    }

    static func render(_ pairs: [(key: String, value: String)]) -> String {
        "{\n" + pairs.map { "  \"\($0.key)\": \($0.value)" }.joined(separator: ",\n") + "\n}\n"
    }

    @Test func mutatedCostModelsParseOrFailCleanlyAndNeverChangeAVerdict() throws {
        var draw = SeededGenerator(seed: 11)
        let scenario = try Workload(.mixed, cpus: 3, iterations: 2, pages: 2, reads: 2).scenario()
        var parsed = 0
        var refused = 0
        for case_ in 0..<1_500 {
            let text = Self.mutatedFile(&draw)
            let costs: CostModel
            do {
                costs = try CostModel.parse(text, source: "fuzz-\(case_).json")
            } catch {
                #expect(error.description.hasPrefix("fuzz-\(case_).json: "), "case \(case_)")
                refused += 1
                continue
            }
            parsed += 1
            for result in [
                Simulator(scenario: scenario, scheme: LinuxScheme(), costs: costs).run(),
                Simulator(scenario: scenario, scheme: RingScheme(), costs: costs).run(),
            ] {
                #expect(result.violation == nil, "case \(case_): \(text)")
                #expect(!result.isStuck, "case \(case_): \(text)")
            }
        }
        #expect(parsed > 300 && refused > 300, "\(parsed) parsed, \(refused) refused")
    }
}
