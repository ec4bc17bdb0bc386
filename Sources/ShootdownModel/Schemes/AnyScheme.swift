/// A scheme of any type, as the command line names it (``SchemeCatalog``).
public struct AnyScheme: Hashable, Sendable {
    /// The scheme.
    public let base: any Scheme

    /// Wraps `base`.
    public init<S: Scheme>(_ base: S) { self.base = base }

    /// The name as the command line spells it.
    public var name: String { base.name }

    /// Calls `visitor` with the scheme as its concrete type: the one dispatch over scheme types
    /// that every command shares. Inlinable, so that a caller's `visit` is specialized for each
    /// type listed here and reaches the engines' specialized entry points. Any other scheme type
    /// runs through the opened existential: the same results, but generic code (the checker
    /// runs at about a third of the speed); list a scheme here, and in the engines'
    /// `@_specialize` lists, once it is to stay (docs/writing-a-scheme.md).
    @inlinable
    public func accept<V: SchemeVisitor>(_ visitor: V) throws -> V.Result {
        switch base {
        case let scheme as LinuxScheme: try visitor.visit(scheme)
        case let scheme as RingScheme: try visitor.visit(scheme)
        case let scheme as OracleScheme: try visitor.visit(scheme)
        case let scheme as Linux66yScheme: try visitor.visit(scheme)
        case let scheme as Linux614Scheme: try visitor.visit(scheme)
        case let scheme as Linux615Scheme: try visitor.visit(scheme)
        default: try visitor.visit(base)
        }
    }

    public static func == (lhs: AnyScheme, rhs: AnyScheme) -> Bool { AnyHashable(lhs.base) == AnyHashable(rhs.base) }

    public func hash(into hasher: inout Hasher) { hasher.combine(AnyHashable(base)) }
}

/// Something done with a scheme of any type (``AnyScheme/accept(_:)``).
public protocol SchemeVisitor {
    associatedtype Result
    /// Does it with `scheme`, statically typed.
    func visit<S: Scheme>(_ scheme: S) throws -> Result
}
