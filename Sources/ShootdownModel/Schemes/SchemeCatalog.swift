/// The schemes and mutants the command line knows, by name.
public enum SchemeCatalog {
    /// The correct schemes (and `rfc15-buggy`, the seed thread's bug, kept as a scheme).
    public static let schemes = LinuxScheme.Variant.allCases.map(\.rawValue)

    /// Every mutant, as `SCHEME~MUTATION` (each mutation applies to the `rfc15` variants too).
    public static let mutants = LinuxScheme.Mutation.allCases.map { "linux~\($0.rawValue)" }

    /// Parses a scheme name such as `linux`, `rfc15-buggy` or `linux~no-ipi`.
    /// - Throws: ``SchemeError`` naming the unknown part and the known names.
    public static func linux(named name: String) throws(SchemeError) -> LinuxScheme {
        let parts = name.split(separator: "~", maxSplits: 1).map(String.init)
        guard let first = parts.first, let variant = LinuxScheme.Variant(rawValue: first) else {
            throw SchemeError.unknownScheme(name)
        }
        guard parts.count == 2 else { return LinuxScheme(variant) }
        guard let mutation = LinuxScheme.Mutation(rawValue: parts[1]) else {
            throw SchemeError.unknownMutation(name)
        }
        return LinuxScheme(variant, mutation: mutation)
    }
}

/// A scheme name that names no scheme.
public enum SchemeError: Error, Equatable, CustomStringConvertible {
    /// The part before `~` is not a scheme.
    case unknownScheme(String)
    /// The part after `~` is not a mutation of that scheme.
    case unknownMutation(String)

    public var description: String {
        switch self {
        case .unknownScheme(let name):
            "unknown scheme '\(name)'; known schemes: \(SchemeCatalog.schemes.joined(separator: ", ")) "
                + "(see `shootdown list`)"
        case .unknownMutation(let name):
            "unknown mutant '\(name)'; known mutants: \(SchemeCatalog.mutants.joined(separator: ", ")) "
                + "(see `shootdown list`)"
        }
    }
}
