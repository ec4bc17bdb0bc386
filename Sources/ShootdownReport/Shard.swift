/// `K/N` (`--shard`, a shard's JSON) as (K, N) with 1 <= K <= N, or `nil`.
public func parseShard(_ text: String) -> (index: Int, count: Int)? {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false).compactMap { Int($0) }
    guard parts.count == 2, parts[1] >= 1, (1...parts[1]).contains(parts[0]) else { return nil }
    return (parts[0], parts[1])
}
