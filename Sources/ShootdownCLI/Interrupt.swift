import Foundation
import Synchronization

/// Ctrl-C for a long search: SIGINT asks the search to stop and report what it covered
/// (``Interrupt/requested``); it checks every 4,096 states, a fraction of a second.
enum Interrupt {
    /// Set by the SIGINT handler, read by the search.
    static let flag = Atomic<Bool>(false)

    /// Whether Ctrl-C was pressed since ``install()``.
    @Sendable static func requested() -> Bool { flag.load(ordering: .relaxed) }

    /// Catches SIGINT: it sets ``flag``. Unblocks it too: a parent may have left it blocked (a
    /// test runner's `Process` does), and a blocked signal never reaches its handler.
    static func install() {
        signal(SIGINT) { _ in Interrupt.flag.store(true, ordering: .relaxed) }
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }
}
