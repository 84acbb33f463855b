/// A place held in a ``ModelPool``'s queue by ``ModelPool/reserve()``; used once.
public final class QueueSlot: @unchecked Sendable {
    // Read and written only under the owning pool's lock.
    private var held = true

    init() {}

    /// True the first time: the caller gives the place back (or turns it into a job).
    func take() -> Bool {
        defer { held = false }
        return held
    }
}
