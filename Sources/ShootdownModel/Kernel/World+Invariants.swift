#if SHOOTDOWN_INTERNAL_CHECKS
    /// Invariants every action keeps, checked after each one in debug builds (the tests; the
    /// package defines `SHOOTDOWN_INTERNAL_CHECKS` for debug), so that a model bug fails at the
    /// action that made it rather than as a wrong verdict later.
    extension World {
        /// Checks the invariants after an action, given each mm's `tlb_gen` before it.
        func checkInvariants(tlbGensBefore: [UInt64]) {
            for (mm, space) in state.mms.enumerated() {
                // inc_mm_tlb_gen() only ever increments: a generation never goes back.
                precondition(space.tlbGen >= tlbGensBefore[mm], "tlb_gen of mm \(mm) went back")
                precondition(space.tlbFlushPending >= 0, "tlb_flush_pending of mm \(mm) below zero")
                precondition(space.mmapLock.readers >= 0, "mmap_lock of mm \(mm) has negative readers")
                precondition(
                    !space.mmapLock.isWriteLocked || space.mmapLock.readers == 0,
                    "mmap_lock of mm \(mm) held for write and read at once")
                for (table, owner) in space.ptlOwners.enumerated() {
                    guard let owner else { continue }
                    // A CPU holds a page-table lock only inside a kernel path.
                    precondition(
                        state.cpus.indices.contains(owner) && !state.cpus[owner].stack.isEmpty,
                        "PTL \(table) of mm \(mm) held by cpu\(owner), which runs no kernel path")
                }
            }
            for (index, cpu) in state.cpus.enumerated() {
                precondition(cpu.pendingAcks >= 0, "cpu\(index) waits for a negative number of acknowledgements")
                for ctx in cpu.tlbState.ctxs where ctx.ctxID != 0 && ctx.ctxID != initMMCtxID {
                    // A CPU's generation for an mm is one the mm has reached (flush_tlb_func()'s
                    // WARN_ON_ONCE(local_tlb_gen > mm_tlb_gen)).
                    guard let mm = state.mms.first(where: { $0.ctxID == ctx.ctxID }) else { continue }
                    precondition(ctx.tlbGen <= mm.tlbGen, "cpu\(index) is ahead of mm ctx \(ctx.ctxID)'s tlb_gen")
                }
            }
        }
    }
#endif
