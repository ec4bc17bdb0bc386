/// Why shard results cannot be merged (`shootdown merge`): not of one search, or a shard twice.
public struct MergeError: Error, CustomStringConvertible {
    public var description: String
}
