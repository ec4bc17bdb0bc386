import ShootdownModel

extension Counters {
    /// What the traced kernel did, as the model counts it: the `tlb_flush` events by reason and
    /// size (`remote shootdown` and `local mm shootdown`/`local shootdown` as IPI and local
    /// flushes, -1 full, N pages ranged, 0 an early return; `flush on task switch` a switch's
    /// full flush), `native_flush_tlb_multi()` calls, and the IPIs taken for a flush (every
    /// `flush_tlb_func` but the initiator's own). `trace whatif`'s row for the kernel itself.
    public init(traced lines: [FtraceLine]) {
        self.init()
        for line in lines {
            switch line.body {
            case .function("native_flush_tlb_multi", _):
                nrTLBRemoteFlush += 1
            case .function("flush_tlb_func", let caller)
            where caller != "flush_tlb_mm_range" && caller != "smp_call_function_many_cond":
                nrTLBRemoteFlushReceived += 1
                ipisSent += 1
            case .event("tlb_flush", let fields):
                let (pages, reason) = TraceStats.tlbFlush(fields)
                switch reason {
                case "remote shootdown":
                    if pages < 0 { fullFlushesIPI += 1 }
                    if pages > 0 {
                        rangedFlushesIPI += 1
                        pagesInvalidated += pages
                    }
                case "local mm shootdown", "local shootdown":
                    if pages < 0 {
                        fullFlushesLocal += 1
                        nrTLBLocalFlushAll += 1
                    }
                    if pages > 0 {
                        rangedFlushesLocal += 1
                        nrTLBLocalFlushOne += pages
                        pagesInvalidated += pages
                    }
                case "flush on task switch":
                    fullFlushesSwitch += 1
                default:
                    break
                }
            default:
                break
            }
        }
    }
}
