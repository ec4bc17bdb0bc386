import ShootdownModel
import Testing

@testable import ShootdownChecker

/// The search keeps a state's enabled actions in an `ActionList` (four bits an action): it must
/// give them back in the order they were listed, for every action of the most CPUs the checker
/// takes.
struct ActionListTests {
    @Test func keepsEveryActionInOrder() {
        var all: [Action] = []
        for cpu in 0..<ActionSet.maxCPUs {
            all += [.interrupt(cpu: cpu), .step(cpu: cpu), .preempt(cpu: cpu)]
        }
        var list = ActionList()
        for action in all.reversed() { list.append(action) }
        #expect(list.count == 15)
        #expect((0..<list.count).map { list[$0] } == all.reversed())
        #expect(list.firstIndex { $0 == .step(cpu: 2) } == 15 - 1 - 7)
        #expect(ActionList().isEmpty)
    }
}
