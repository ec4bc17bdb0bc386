import ShootdownChecker
import ShootdownModel

/// Breadth-first enumeration of a scenario's states, independent of the checker: each state
/// with the fewest actions that reach it, within the same bounds the checker applies. States
/// are told apart by `==` over the whole machine state, never by fingerprint.
struct StateSpace<S: Scheme> {
    /// A reached state: the world, its preemptions so far, and its distance from boot.
    struct Node {
        var world: World<S>
        var preemptions: Int
        var depth: Int
    }

    /// A state as told apart from the others: the whole machine state, the scheme's own, and
    /// the preemptions.
    struct Seen: Hashable {
        var state: MachineState
        var schemeState: S.State
        var preemptions: Int

        init(_ world: World<S>, preemptions: Int) {
            state = world.state
            schemeState = world.schemeState
            self.preemptions = preemptions
        }
    }

    var scenario: Scenario
    var scheme: S
    var bounds: CheckBounds

    /// The checker's key for a state: the world's fingerprint and the preemptions.
    static func key(_ world: World<S>, preemptions: Int) -> UInt64 {
        var h = StableHasher()
        world.fingerprint(into: &h)
        h.combine(preemptions)
        return h.value
    }

    /// Visits every state at most `bounds.maxDepth` actions from boot (at most `limit`
    /// states), each once, nearest first.
    func visitStates(limit: Int = 200_000, _ visit: (Node) -> Void) {
        var seen: Set<Seen> = []
        var frontier = [Node(world: World(scenario: scenario, scheme: scheme), preemptions: 0, depth: 0)]
        seen.insert(Seen(frontier[0].world, preemptions: 0))
        var actions: [Action] = []
        while !frontier.isEmpty, seen.count < limit {
            var next: [Node] = []
            for node in frontier {
                visit(node)
                guard node.depth < bounds.maxDepth, node.world.violation == nil else { continue }
                actions.removeAll()
                node.world.enabledActions(into: &actions)
                for action in actions {
                    let isPreemption: Bool
                    if case .preempt = action { isPreemption = true } else { isPreemption = false }
                    let preemptions = node.preemptions + (isPreemption ? 1 : 0)
                    if preemptions > bounds.maxPreemptions { continue }
                    var child = node.world
                    child.perform(action)
                    guard seen.insert(Seen(child, preemptions: preemptions)).inserted else { continue }
                    next.append(Node(world: child, preemptions: preemptions, depth: node.depth + 1))
                }
            }
            frontier = next
        }
    }
}
