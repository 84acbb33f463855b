import Foundation
import Testing
@testable import HTTPServer

@Suite struct ShutdownLiveTests {
    @Test func shutdownFinishesTheRequestInFlightAndClosesIdleConnections() async throws {
        let server = HTTPServer(configuration: testConfiguration(), handler: testHandler)
        try server.start()
        let port = server.port

        let idle = try RawClient(port: port)
        try await idle.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try await idle.readResponse()?.status == 200)

        let busy = try RawClient(port: port)
        try await busy.send("GET /slow?ms=700&tag=done HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(await eventually { server.inFlightRequests == 1 })

        let shutdown = Task { await server.shutdown(gracePeriod: .seconds(10)) }
        // The idle keep-alive connection is closed without waiting for the grace period.
        #expect(try await idle.isClosedByServer())
        // The request in flight completes in full, and says the connection ends.
        let response = try #require(try await busy.readResponse())
        #expect(response.status == 200)
        #expect(response.bodyText == "slow done")
        #expect(response.headers["Connection"] == "close")
        await shutdown.value
        #expect(server.openConnections == 0)
        // The listener is gone: new connections are refused.
        #expect(throws: SocketError(call: "connect", errorNumber: ECONNREFUSED)) { try RawClient(port: port) }
    }

    @Test func shutdownClosesWhatOutlivesTheGracePeriod() async throws {
        let server = HTTPServer(configuration: testConfiguration(), handler: testHandler)
        try server.start()
        let client = try RawClient(port: server.port)
        try await client.send("GET /slow?ms=3000 HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(await eventually { server.inFlightRequests == 1 })
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
