/// A scheme the command line can name: what `shootdown list` shows of it and how a name
/// becomes a value. Listing the type in ``SchemeCatalog/types`` makes it usable in `list`,
/// `check`, `run`, `replay`, `compare` and `hunt`.
public protocol CatalogScheme: Scheme {
    /// The base names (before `:` and `~`) this type answers to, each with its line in
    /// `shootdown list`.
    static var listing: [SchemeListing] { get }

    /// The mutants, spelled in full (`linux~no-ipi`); none by default.
    static var mutants: [String] { get }

    /// The scheme `name` names; its base is one of ``listing``'s.
    /// - Throws: ``SchemeError`` for a parameter or mutation this type does not take.
    init(catalogName name: SchemeName) throws(SchemeError)
}

extension CatalogScheme {
    public static var mutants: [String] { [] }
}

/// A scheme's line in `shootdown list`.
public struct SchemeListing: Hashable, Sendable {
    /// The base name, e.g. `ring-list`.
    public var name: String
    /// One line: what the scheme is, and which kernel or posting it follows.
    public var summary: String

    public init(_ name: String, _ summary: String) {
        self.name = name
        self.summary = summary
    }
}
