/// `linux-ipi-lazy`: Linux 6.6 without the lazy-CPU skip. Every flush interrupts every other CPU
/// of `mm_cpumask`, lazy or not, as `native_flush_tlb_multi()` already does when page tables were
/// freed (`on_each_cpu_mask()`); a lazy CPU that takes the IPI leaves lazy mode there, in
/// `flush_tlb_func()`, instead of catching up when it next switches to the mm.
///
/// The skip came with Rik van Riel's 2018 lazy-TLB series ("x86/mm/tlb: Only send page table
/// free TLB flush to lazy TLB CPUs", 64482aafe55f; reverted from 4.19-rc and landed again for
/// 4.20); the kernels before it interrupted lazy CPUs too, though they flushed rather than
/// switched to `init_mm`. The scheme asks what the skip buys: `compare` prices the IPIs, `check`
/// shows the catch-up on the switch path is then never needed for safety.
///
/// The worked example of docs/writing-a-scheme.md: one decision changed, every other one
/// Linux's (``Scheme``'s defaults).
public struct LinuxIPILazyScheme: CatalogScheme {
    public init() {}

    public var name: String { "linux-ipi-lazy" }

    /// `on_each_cpu_mask()` for every flush: lazy CPUs are interrupted too.
    public func sendsIPI(targetIsLazy: Bool, freedTables: Bool) -> Bool { true }

    public static let listing = [
        SchemeListing(
            "linux-ipi-lazy", "Linux 6.6 without the lazy-CPU skip: flushes interrupt lazy CPUs too (pre-4.20)")
    ]

    public init(catalogName name: SchemeName) throws(SchemeError) {
        try name.requirePlain()
        self.init()
    }
}
