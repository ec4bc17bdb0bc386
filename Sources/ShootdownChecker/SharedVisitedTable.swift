import Synchronization

/// The visited states a parallel exhaustive search (``ExhaustiveChecker/jobs``) shares below its
/// split depth: ``VisitedTable``s in stripes, a fingerprint's stripe chosen by its low bits (the
/// tables place and keep the high ones), each behind its own lock. A visit is one short critical
/// section (``VisitedTable/visit(_:sleep:depth:reexploresDeeper:)``), so with a few workers a
/// lock is almost never contended, and each stripe grows on its own.
final class SharedVisitedTable: Sendable {
    /// One stripe: a table and its lock.
    final class Stripe: Sendable {
        let table = Mutex(VisitedTable(capacity: 256))
    }

    let stripes: [Stripe]

    /// `stripes` stripes (a power of two).
    init(stripes: Int = 64) {
        precondition(stripes > 0 && stripes & (stripes - 1) == 0, "stripes must be a power of two")
        self.stripes = (0..<stripes).map { _ in Stripe() }
    }

    /// ``VisitedTable/visit(_:sleep:depth:reexploresDeeper:)`` in `fingerprint`'s stripe.
    func visit(_ fingerprint: UInt64, sleep: UInt16, depth: Int, reexploresDeeper: Bool) -> VisitedTable.Visit {
        stripes[Int(truncatingIfNeeded: fingerprint) & (stripes.count - 1)].table.withLock {
            $0.visit(fingerprint, sleep: sleep, depth: depth, reexploresDeeper: reexploresDeeper)
        }
    }

    /// Bytes of storage, in all stripes.
    var bytes: Int { stripes.reduce(0) { sum, stripe in sum + stripe.table.withLock { $0.bytes } } }
}
