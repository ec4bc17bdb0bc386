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
            "unknown scheme '\(name)'; \(Self.versionHint(name))known schemes: "
                + "\(SchemeCatalog.schemes.joined(separator: ", ")) (see `shootdown list`)"
        case .unknownMutation(let name):
            "unknown mutant '\(name)'; known mutants: \(SchemeCatalog.mutants.joined(separator: ", ")) "
                + "(see `shootdown list`)"
        case .badParameter(let name, let problem):
            "bad scheme '\(name)': \(problem) (`shootdown list` shows each scheme's parameters)"
        }
    }

    /// For a kernel version that has no scheme of its own, which scheme models it.
    static func versionHint(_ name: String) -> String {
        guard SchemeName(name).base == "linux-6.13" else { return "" }
        return "the lazy mm_cpumask credited to 6.13 reached mainline in 6.14 (209954cbc7d0): that is "
            + "`linux-6.14` (docs/kernels.md lists each version's changes); "
    }
}
