import ShootdownModel
import Testing

/// The 256-CPU mask: every word, in order, as the kernel's cpumask helpers behave.
@Suite struct CPUMaskTests {
    @Test func holdsCPUsOfEveryWordInOrder() {
        var mask = CPUMask.empty
        #expect(mask.isEmpty && mask.first == nil && Array(mask).isEmpty)
        for cpu in [255, 0, 64, 63, 130] { mask.insert(cpu) }
        #expect(Array(mask) == [0, 63, 64, 130, 255])
        #expect(mask.contains(64) && mask.contains(255) && !mask.contains(65) && !mask.contains(254))
        mask.remove(0)
        mask.remove(63)
        #expect(mask.first == 64)
        #expect(Array(mask) == [64, 130, 255])
    }

    @Test func anyButAndUnionSeeTheUpperWords() {
        let alone = CPUMask(200)
        #expect(!alone.containsAny(but: 200))
        #expect(alone.containsAny(but: 3))
        var union = CPUMask(1)
        union.formUnion(alone)
        union.formUnion(CPUMask(129))
        #expect(Array(union) == [1, 129, 200])
        #expect(union.containsAny(but: 1))
    }

    @Test func equalMasksHashAndCompareEqual() {
        var a = CPUMask(70)
        a.insert(3)
        var b = CPUMask(3)
        b.insert(70)
        #expect(a == b)
        #expect(Set([a, b]).count == 1)
        b.remove(70)
        #expect(a != b)
    }
}
