import Foundation
import LiveTestSupport
@testable import DepthService

/// The clients the admission and cancellation tests drive a live service with: JPEG uploads sent
/// over real sockets, by clients that go away right after sending or that resend as soon as they
/// have an answer (as wrk does).
struct UploadClients: Sendable {
    let port: Int
    let photo: [UInt8]

    private var request: [UInt8] {
        RawClient.head("POST", "/v1/depth", headers: [("Content-Type", "image/jpeg")], bodyLength: photo.count) + photo
    }

    /// Sends one whole upload on a new connection and closes it without reading the answer.
    func sendAndClose() async throws {
        let client = try RawClient(port: port)
        try await client.send(bytes: request)
        client.close()
    }

    /// One keep-alive connection that sends the upload again as soon as it has an answer, until
    /// it has `answers` 200s or `keepGoing` turns false; returns every status it got, in order.
    func resendUntil(answers: Int = .max, maxAttempts: Int = 500,
                     keepGoing: @escaping @Sendable () -> Bool = { true }) async throws -> [Int] {
        let client = try RawClient(port: port)
        var statuses: [Int] = []
        while statuses.count(where: { $0 == 200 }) < answers && statuses.count < maxAttempts && keepGoing() {
            try await client.send(bytes: request)
            guard let response = try await client.readResponse() else {
                throw RawClientError(call: "readResponse: closed without a response", errorNumber: EPROTO)
            }
            statuses.append(response.status)
        }
        return statuses
    }

    /// `/metrics`, parsed.
    func metrics() async throws -> Exposition {
        let response = try await RawClient(port: port).request("GET", "/metrics")
        return try Exposition(response.bodyText)
    }
}

extension Exposition {
    /// `depthd_requests_cancelled_total` by stage.
    var cancelledByStage: [CancellationStage: Double] {
        Dictionary(uniqueKeysWithValues: CancellationStage.allCases.map {
            ($0, number("depthd_requests_cancelled_total", ["stage": $0.rawValue]))
        })
    }
}

/// A flag one task sets and others poll.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false
    var isSet: Bool { lock.withLock { stopped } }
    func set() { lock.withLock { stopped = true } }
}
