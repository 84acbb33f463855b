import DepthService
import Foundation
import Testing
#if canImport(Glibc)
import CMalloc
#endif

/// What the allocator setting does to resident memory is measured by scripts/reliability/soak.py
/// (docs/reliability.md); an in-process check of where glibc puts a block is not deterministic in a
/// test process whose arenas already hold large free chunks from other tests.
@Suite struct AllocatorTuningTests {
    @Test func fixesTheMmapThresholdAt128KiB() {
        var calls: [(Int32, Int32)] = []
        let applied = AllocatorTuning.applyServerDefaults(environment: [:]) { option, value in
            calls.append((option, value))
            return 1
        }
        #expect(calls.count == 1)
        #expect(calls.first?.0 == M_MMAP_THRESHOLD && calls.first?.1 == 128 * 1024)
        #expect(applied == ["M_MMAP_THRESHOLD=131072"])
    }

    @Test func aThresholdTheEnvironmentGivesIsLeftToIt() {
        var called = false
        let applied = AllocatorTuning.applyServerDefaults(environment: ["MALLOC_MMAP_THRESHOLD_": "1048576"]) { _, _ in
            called = true
            return 1
        }
        #expect(!called && applied.isEmpty)
    }

    @Test func depthdServeAppliesItAtStartUp() async throws {
        let folder = try DepthdProcess.temporaryFolder()
        // A missing model stops serve right after its start-up line, which reports the setting.
        let tuned = try await DepthdProcess.run(["serve", "--port", "0", "--model", "missing.safetensors"], in: folder)
        #expect(tuned.status == 1, "a missing model stops serve with status 1")
        #expect(tuned.stderr.contains("malloc=M_MMAP_THRESHOLD=131072"), "\(tuned.stderr)")
        let chosen = try await DepthdProcess.run(["serve", "--port", "0", "--model", "missing.safetensors"], in: folder,
                                                 environment: ["MALLOC_MMAP_THRESHOLD_": "262144"])
        #expect(chosen.stderr.contains("malloc=from the environment"), "\(chosen.stderr)")
    }
}
