/// A scheme name, `BASE[:PARAMETERS][~MUTATION]`, split into its parts.
public struct SchemeName: Hashable, Sendable {
    /// The name as given.
    public var full: String
    /// The part before `:` and `~`.
    public var base: String
    /// The part after `:`, if any.
    public var parameters: String?
    /// The part after `~`, if any.
    public var mutation: String?

    /// Splits `name`.
    public init(_ name: String) {
        full = name
        let parts = name.split(separator: "~", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let head = parts[0].split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        base = head[0]
        parameters = head.count == 2 ? head[1] : nil
        mutation = parts.count == 2 ? parts[1] : nil
    }

    /// For a scheme that takes neither parameters nor mutants.
    /// - Throws: ``SchemeError/badParameter(_:_:)`` when the name has either.
    public func requirePlain() throws(SchemeError) {
        guard parameters == nil, mutation == nil else {
            throw SchemeError.badParameter(full, "\(base) takes no parameters and has no mutants")
        }
    }

    /// The `KEY=VALUE` pairs of ``parameters``, in order.
    /// - Throws: ``SchemeError/badParameter(_:_:)`` for a part that is not `KEY=VALUE`.
    public func parameterPairs() throws(SchemeError) -> [(key: String, value: String)] {
        guard let parameters else { return [] }
        var pairs: [(key: String, value: String)] = []
        for parameter in parameters.split(separator: ",", omittingEmptySubsequences: false) {
            let pair = parameter.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2 else { throw SchemeError.badParameter(full, "'\(parameter)' is not KEY=VALUE") }
            pairs.append((pair[0], pair[1]))
        }
        return pairs
    }
}
