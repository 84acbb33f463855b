import Foundation
import Testing
@testable import HTTPServer
import LiveTestSupport
import TestSupport

@Suite struct ShutdownLiveTests {
    @Test func shutdownFinishesTheRequestInFlightAndClosesIdleConnections() async throws {
        // The busy request is held until shutdown has begun (a fixed delay lost that race when a
        // loaded machine ran the shutdown task late).
        let release = Recorder<Bool>()
        let server = HTTPServer(configuration: testConfiguration()) { request in
            guard request.path == "/held" else { return await testHandler(request) }
            do {
                try await waitFor("the test to release /held", every: .milliseconds(5)) { !release.values.isEmpty }
            } catch {
                return HTTPResponse(status: 500, text: "\(error)")
            }
            return HTTPResponse(status: 200, text: "slow done")
        }
        try server.start()
        let port = server.port

        let idle = try RawClient(port: port)
        try await idle.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try await idle.readResponse()?.status == 200)

        let busy = try RawClient(port: port)
        try await busy.send("GET /held HTTP/1.1\r\nHost: t\r\n\r\n")
        try await waitFor("one request in flight") { server.inFlightRequests == 1 }

        let shutdown = Task { await server.shutdown(gracePeriod: .seconds(10)) }
        // The idle keep-alive connection is closed without waiting for the grace period.
        #expect(try await idle.isClosedByServer())
        release.append(true)
        // The request in flight completes in full, and says the connection ends.
        let response = try #require(try await busy.readResponse())
        #expect(response.status == 200)
        #expect(response.bodyText == "slow done")
        #expect(response.headers["Connection"] == "close")
        await shutdown.value
        #expect(server.openConnections == 0)
        // The listener is gone: new connections are refused.
        #expect(throws: RawClientError(call: "connect", errorNumber: ECONNREFUSED)) { try RawClient(port: port) }
    }

    @Test func shutdownClosesWhatOutlivesTheGracePeriod() async throws {
        let server = HTTPServer(configuration: testConfiguration(), handler: testHandler)
        try server.start()
        let client = try RawClient(port: server.port)
        // Far longer than the grace period even when a loaded machine runs the shutdown task late.
        try await client.send("GET /slow?ms=60000 HTTP/1.1\r\nHost: t\r\n\r\n")
        try await waitFor("one request in flight") { server.inFlightRequests == 1 }
        await server.shutdown(gracePeriod: .milliseconds(200))
        #expect(server.openConnections == 0)
        #expect(try await client.readResponse() == nil)
    }

    @Test func shutdownWithCompletionHandlerReturns() async throws {
        let server = HTTPServer(configuration: testConfiguration(), handler: testHandler)
        try server.start()
        await withCheckedContinuation { continuation in
            server.shutdown(gracePeriod: .seconds(1)) { continuation.resume() }
        }
        #expect(server.openConnections == 0)
        // A second call returns at once.
        await server.shutdown()
    }
}
