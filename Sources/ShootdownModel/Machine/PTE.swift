/// A page-table entry of one virtual page, as x86-64 stores it (only the bits the protocol reads).
///
/// `isProtNone` is `_PAGE_PROTNONE`: the entry keeps its frame but is not present to the
/// hardware, as NUMA hinting (`change_prot_numa`) leaves it. `pte_present()` is true for it;
/// `pte_accessible()` is not, unless a flush is pending (arch/x86/include/asm/pgtable.h).
public struct PTE: Hashable, Sendable {
    /// The physical frame, or `nil` for `pte_none()`.
    public var frame: Int?
    /// `_PAGE_PRESENT`: the hardware may walk this entry into a TLB.
    public var isPresent: Bool
    /// `_PAGE_RW`.
    public var isWritable: Bool
    /// `_PAGE_PROTNONE`.
    public var isProtNone: Bool
    /// A migration entry (`is_migration_entry()`): the page is being migrated; faults wait.
    public var isMigrationEntry = false

    /// The empty entry, `pte_none()`.
    public static let none = PTE(frame: nil, isPresent: false, isWritable: false, isProtNone: false)

    /// A present entry mapping `frame`.
    public static func mapping(_ frame: Int, writable: Bool) -> PTE {
        PTE(frame: frame, isPresent: true, isWritable: writable, isProtNone: false)
    }

    /// Not `pte_none()`: a mapping, a PROT_NONE entry or a migration entry.
    public var isSet: Bool { frame != nil || isMigrationEntry }

    /// Whether the hardware page walker may fill a TLB entry from this PTE for the access.
    public func permits(write: Bool) -> Bool {
        isPresent && !isProtNone && (!write || isWritable)
    }
}
