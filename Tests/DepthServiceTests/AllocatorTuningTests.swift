import DepthService
import Testing
#if canImport(Glibc)
import CMalloc
import Glibc
#endif

@Suite struct AllocatorTuningTests {
    /// glibc marks a block that has its own mapping with the IS_MMAPPED bit (0x2) of the size word
    /// just before it (malloc.c's chunk layout, unchanged since glibc 2.0).
    private func hasOwnMapping(_ block: UnsafeMutableRawPointer) -> Bool {
        block.load(fromByteOffset: -MemoryLayout<Int>.size, as: Int.self) & 0x2 != 0
    }

    @Test func largeBlocksStayOwnMappingsAfterALargerOneIsFreed() throws {
        AllocatorTuning.applyServerDefaults(environment: [:])
        // With glibc's dynamic threshold this free would raise the threshold to 8 MiB, and the next
        // 1 MiB photo buffer would come from an arena, resident for good.
        free(malloc(8 << 20))
        let block = try #require(malloc(1 << 20))
        defer { free(block) }
        #expect(hasOwnMapping(block))
        let small = try #require(malloc(64))
        defer { free(small) }
        #expect(!hasOwnMapping(small))
    }

    @Test func aThresholdTheEnvironmentGivesIsLeftToIt() {
        #expect(AllocatorTuning.applyServerDefaults(environment: ["MALLOC_MMAP_THRESHOLD_": "1048576"]).isEmpty)
        #expect(AllocatorTuning.applyServerDefaults(environment: [:]) == ["M_MMAP_THRESHOLD=\(AllocatorTuning.mmapThreshold)"])
    }
}
