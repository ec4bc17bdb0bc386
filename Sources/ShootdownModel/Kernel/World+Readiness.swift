/// The simulator's reads of a world it holds in a stored property, on every action: in place and
/// specialized for the built-in schemes, apart from the semantics in `World.swift` they read.
extension World {
    /// What the timed simulation needs to know about `cpu` now, read in one call.
    public func readiness(_ cpu: Int) -> CPUReadiness {
        var world = self
        return world.readinessInPlace(cpu)
    }

    /// ``readiness(_:)`` for an engine that holds the world in a stored property, on every
    /// action: `mutating` only so that the world is read in place. A non-mutating call from a
    /// mutating context copies the whole world first (a `memcpy` of it per call), and so does
    /// any call that is not inlined here: the helpers this uses are `@inline(__always)`.
    @_specialize(exported:true,where S == LinuxScheme)
    @_specialize(exported:true,where S == RingScheme)
    @_specialize(exported:true,where S == OracleScheme)
    @_specialize(exported:true,where S == Linux66yScheme)
    @_specialize(exported:true,where S == Linux614Scheme)
    @_specialize(exported:true,where S == Linux615Scheme)
    package mutating func readinessInPlace(_ cpu: Int) -> CPUReadiness {
        let next = nextStep(cpu)
        if state.cpus[cpu].stack.isEmpty {
            return CPUReadiness(
                canInterrupt: canInterrupt(cpu), canStep: next.canStep, canPreempt: canPreempt(cpu), isFlushing: false,
                waitsOn: next.waitsOn)
        }
        return CPUReadiness(
            canInterrupt: canInterrupt(cpu), canStep: next.canStep, canPreempt: false,
            isFlushing: state.cpus[cpu].stack.contains { $0.isFlushTLBMMRange }, waitsOn: next.waitsOn)
    }

    /// ``canInterrupt(_:)`` read in place (as ``readinessInPlace(_:)``): all an IPI queued to
    /// `cpu` can change in its readiness, which is what the timed simulation re-reads for it.
    @_specialize(exported:true,where S == LinuxScheme)
    @_specialize(exported:true,where S == RingScheme)
    @_specialize(exported:true,where S == OracleScheme)
    @_specialize(exported:true,where S == Linux66yScheme)
    @_specialize(exported:true,where S == Linux614Scheme)
    @_specialize(exported:true,where S == Linux615Scheme)
    package mutating func canInterruptInPlace(_ cpu: Int) -> Bool { canInterrupt(cpu) }

    /// ``canStep(_:)`` read in place (as ``readinessInPlace(_:)``): all a lock's release or
    /// acquisition can change in the readiness of a CPU waiting on it, which is what the timed
    /// simulation re-reads for each such waiter.
    @_specialize(exported:true,where S == LinuxScheme)
    @_specialize(exported:true,where S == RingScheme)
    @_specialize(exported:true,where S == OracleScheme)
    @_specialize(exported:true,where S == Linux66yScheme)
    @_specialize(exported:true,where S == Linux614Scheme)
    @_specialize(exported:true,where S == Linux615Scheme)
    package mutating func canStepInPlace(_ cpu: Int) -> Bool { nextStep(cpu).canStep }
}
