/// Why shard results cannot be merged (`shootdown merge`): not of one search, a shard twice, or
/// a file whose figures no shard prints (a name that is not K/N, a count below 0, a time that is
/// not a number).
public struct MergeError: Error, CustomStringConvertible {
    public var description: String
}

extension MergeError {
    /// The shard `name` of a result as (K, N).
    /// - Throws: unless it is `K/N` with 1 <= K <= N.
    static func shard(_ name: String) throws(MergeError) -> (index: Int, count: Int) {
        guard let shard = parseShard(name) else {
            throw MergeError(description: "shard '\(name)' is not K/N with 1 <= K <= N: not a shard's JSON")
        }
        return shard
    }

    /// Checks that the count `field` of a shard is 0 or more.
    static func check(_ field: String, count: Int) throws(MergeError) {
        _ = try total(field, [count])
    }

    /// The shards' `values` of the count `field` summed.
    /// - Throws: when one is below 0 or the sum is past `Int.max`.
    static func total(_ field: String, _ values: [Int]) throws(MergeError) -> Int {
        var sum = 0
        for value in values {
            let (next, overflow) = sum.addingReportingOverflow(value)
            guard value >= 0, !overflow else {
                throw MergeError(description: "'\(field)' of \(value) in a shard: not a count `shootdown` prints")
            }
            sum = next
        }
        return sum
    }

    /// Checks that the figure `field` (seconds, a rate, an estimate) is a number from 0 to
    /// 10^15 (no search runs or explores that much; past 2^63 it would not even print).
    static func check(_ field: String, _ value: Double) throws(MergeError) {
        guard value >= 0, value <= 1e15 else {
            throw MergeError(description: "'\(field)' of \(value) in a shard: not a figure `shootdown` prints")
        }
    }
}
