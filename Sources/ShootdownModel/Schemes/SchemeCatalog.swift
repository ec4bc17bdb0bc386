/// A scheme of any type, as the command line names it.
public enum AnyScheme: Hashable, Sendable {
    case linux(LinuxScheme)
    case ring(RingScheme)
    /// The lower bounds, for `shootdown compare`.
    case oracle(OracleScheme)

    /// Calls `visitor` with the scheme as its concrete type: the one dispatch over scheme types
    /// that every command shares. Inlinable, so that a caller's `visit` is specialized for each
    /// scheme type and reaches the engines' specialized entry points (an existential opened into
    /// a generic call would run them unspecialized, 3.5 times the instructions in the checker).
    @inlinable
    public func accept<V: SchemeVisitor>(_ visitor: V) throws -> V.Result {
        switch self {
        case .linux(let scheme): try visitor.visit(scheme)
        case .ring(let scheme): try visitor.visit(scheme)
        case .oracle(let scheme): try visitor.visit(scheme)
        }
    }

    /// The name as the command line spells it.
    public var name: String {
        switch self {
        case .linux(let scheme): scheme.name
        case .ring(let scheme): scheme.name
        case .oracle(let scheme): scheme.name
        }
    }
}

/// Something done with a scheme of any type (``AnyScheme/accept(_:)``).
public protocol SchemeVisitor {
    associatedtype Result
    /// Does it with `scheme`, statically typed.
    func visit<S: Scheme>(_ scheme: S) throws -> Result
}

/// The schemes and mutants the command line knows, by name.
///
/// A name is `SCHEME[:PARAMETERS][~MUTATION]`: `linux`, `rfc15-buggy`, `rfc15`, or a ring,
/// `ring-list` or `ring-union`, with parameters `size=N` (slots, 1-64; default 8),
/// `ceiling=N` (pages; default 33) and `switch=ranged|full` (default ranged), e.g.
/// `ring-list:size=1,switch=full` or `ring-union:size=2~one-short`.
public enum SchemeCatalog {
    /// The schemes (`rfc15-buggy` included: the seed thread's bug, kept as a scheme).
    public static let schemes =
        LinuxScheme.Variant.allCases.map(\.rawValue) + RingScheme.Variant.allCases.map(\.rawValue)
        + OracleScheme.Kind.allCases.map(\.rawValue)

    /// Every mutant, as `SCHEME~MUTATION` (each Linux mutation applies to the `rfc15` schemes
    /// too, each ring mutation to both ring variants and any parameters).
    public static let mutants =
        LinuxScheme.Mutation.allCases.map { "linux~\($0.rawValue)" }
        + RingScheme.Mutation.allCases.map { "ring-list~\($0.rawValue)" }

    /// Parses a scheme name.
    /// - Throws: ``SchemeError`` naming the unknown or malformed part and the way out.
    public static func scheme(named name: String) throws(SchemeError) -> AnyScheme {
        let parts = name.split(separator: "~", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let head = parts[0].split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let base = head[0]
        let mutationName = parts.count == 2 ? parts[1] : nil
        if let variant = LinuxScheme.Variant(rawValue: base) {
            guard head.count == 1 else { throw SchemeError.badParameter(name, "\(base) takes no parameters") }
            guard let mutationName else { return .linux(LinuxScheme(variant)) }
            guard let mutation = LinuxScheme.Mutation(rawValue: mutationName) else {
                throw SchemeError.unknownMutation(name)
            }
            return .linux(LinuxScheme(variant, mutation: mutation))
        }
        if let kind = OracleScheme.Kind(rawValue: base) {
            guard head.count == 1, mutationName == nil else {
                throw SchemeError.badParameter(name, "\(base) takes no parameters and has no mutants")
            }
            return .oracle(OracleScheme(kind))
        }
        guard let variant = RingScheme.Variant(rawValue: base) else { throw SchemeError.unknownScheme(name) }
        var ring = RingScheme(variant)
        if head.count == 2 {
            for parameter in head[1].split(separator: ",", omittingEmptySubsequences: false) {
                let pair = parameter.split(separator: "=", maxSplits: 1).map(String.init)
                guard pair.count == 2 else {
                    throw SchemeError.badParameter(name, "'\(parameter)' is not KEY=VALUE")
                }
                switch pair[0] {
                case "size":
                    guard let size = Int(pair[1]), (1...64).contains(size) else {
                        throw SchemeError.badParameter(name, "size must be 1...64 slots, found '\(pair[1])'")
                    }
                    ring.size = size
                case "ceiling":
                    guard let ceiling = Int(pair[1]), (0...4096).contains(ceiling) else {
                        throw SchemeError.badParameter(name, "ceiling must be 0...4096 pages, found '\(pair[1])'")
                    }
                    ring.flushCeiling = ceiling
                case "switch":
                    guard let mode = RingScheme.SwitchCatchUp(rawValue: pair[1]) else {
                        throw SchemeError.badParameter(name, "switch must be ranged or full, found '\(pair[1])'")
                    }
                    ring.switchCatchUp = mode
                default:
                    throw SchemeError.badParameter(name, "unknown parameter '\(pair[0])'; use size, ceiling or switch")
                }
            }
        }
        if let mutationName {
            guard let mutation = RingScheme.Mutation(rawValue: mutationName) else {
                throw SchemeError.unknownMutation(name)
            }
            ring.mutation = mutation
        }
        return .ring(ring)
    }
}

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
            "bad scheme '\(name)': \(problem); e.g. ring-list:size=8,ceiling=33,switch=ranged "
                + "(see `shootdown list`)"
        }
    }
}
