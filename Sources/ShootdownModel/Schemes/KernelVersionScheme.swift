/// A scheme named after the kernel version it follows, with no parameters and a set of
/// mutants, each a fix of that kernel taken back (`linux-6.6.y~cve-2025-37964`). Conforming
/// supplies the base name, its listing line and `init(mutation:)`; the name, the mutants and
/// the catalog's parsing come from here.
public protocol KernelVersionScheme: CatalogScheme {
    /// The fixes a mutant takes back, named as the command line spells them.
    associatedtype Mutation: RawRepresentable<String>, CaseIterable, Hashable, Sendable

    /// The base name, e.g. `linux-6.14`.
    static var baseName: String { get }

    /// The fix taken back, or `nil` for the kernel with all of them.
    var mutation: Mutation? { get }

    /// The kernel with every fix, or with `mutation`'s flaw back.
    init(mutation: Mutation?)
}

extension KernelVersionScheme {
    public var name: String { Self.baseName + (mutation.map { "~\($0.rawValue)" } ?? "") }

    public static var mutants: [String] { Mutation.allCases.map { "\(baseName)~\($0.rawValue)" } }

    /// The base name, or with one of its ``Mutation``s.
    public init(catalogName name: SchemeName) throws(SchemeError) {
        guard name.parameters == nil else {
            throw SchemeError.badParameter(name.full, "\(name.base) takes no parameters")
        }
        guard let mutationName = name.mutation else {
            self.init(mutation: nil)
            return
        }
        guard let mutation = Mutation(rawValue: mutationName) else { throw SchemeError.unknownMutation(name.full) }
        self.init(mutation: mutation)
    }
}
