/// A scheme name that names no scheme.
public enum SchemeError: Error, Equatable, CustomStringConvertible {
    /// The part before `:` or `~` is not a scheme.
    case unknownScheme(String)
    /// The part after `~` is not a mutation of that scheme.
    case unknownMutation(String)
    /// A parameter after `:` is unknown or out of range.
    case badParameter(String, String)

    public var description: String {
        switch self {
        case .unknownScheme(let name):
            "unknown scheme '\(name)'; known schemes: \(SchemeCatalog.schemes.joined(separator: ", ")) "
                + "(see `shootdown list`)"
        case .unknownMutation(let name):
            "unknown mutant '\(name)'; known mutants: \(SchemeCatalog.mutants.joined(separator: ", ")) "
                + "(see `shootdown list`)"
        case .badParameter(let name, let problem):
            "bad scheme '\(name)': \(problem) (`shootdown list` shows each scheme's parameters)"
        }
    }
}
