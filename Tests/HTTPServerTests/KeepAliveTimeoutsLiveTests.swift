import Foundation
import Testing
@testable import HTTPServer
import LiveTestSupport
import TestSupport

/// Timeouts on a connection that has already served requests: each phase's deadline counts from
/// where that phase began, whatever the connection's timer was set for before (it is moved only
/// when a deadline comes sooner, and re-arms itself when it fires early).
@Suite struct KeepAliveTimeoutsLiveTests {
    @Test func busyConnectionIdlesOutFromItsLastRequestNotItsFirst() async throws {
        var configuration = testConfiguration()
        configuration.idleTimeout = .seconds(1)
        try await withServer(configuration) { server in
            let client = try RawClient(port: server.port)
            // 2.5 idle timeouts of requests 100 ms apart: a deadline counted from the first
            // request would close the connection under them.
            let start = ContinuousClock.now
            var served = 0
            while ContinuousClock.now - start < .milliseconds(2500) {
                try await client.send("GET /tick HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try await client.readResponse()?.bodyText == "ok /tick")
                served += 1
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(served >= 5)
            #expect(server.openConnections == 1)
            // Then, idle, it is closed silently.
            #expect(try await client.isClosedByServer())
            try await waitFor("every connection to close") { server.openConnections == 0 }
        }
    }

    @Test func headTimeoutAppliesAfterAnswersOnAKeepAliveConnection() async throws {
        var configuration = testConfiguration()
        configuration.headTimeout = .milliseconds(300)
        try await withServer(configuration) { server in
            // Waits 10 s at most for the 408: long after the head timeout, long before the idle one.
            let client = try RawClient(port: server.port, receiveTimeout: 10)
            for _ in 0..<3 {
                try await client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try await client.readResponse()?.status == 200)
            }
            // The timer was last set for the idle timeout (30 s); the head's 300 ms come first.
            try await client.send("GET / HTTP/1.1\r\nHost: t\r\n")
            let response = try #require(try await client.readResponse())
            #expect(response.status == 408)
            #expect(try await client.isClosedByServer())
        }
    }

    @Test func writeStallTimeoutAppliesAfterAnswersOnAKeepAliveConnection() async throws {
        var configuration = testConfiguration()
        configuration.writeStallTimeout = .milliseconds(300)
        configuration.minimumResponseRate = nil
        try await withServer(configuration) { server in
            let client = try RawClient(port: server.port)
            try await client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await client.readResponse()?.status == 200)
            // Far more than the kernel's buffers hold, and the client reads none of it.
            try await client.send("GET /big?bytes=\(32 * 1024 * 1024) HTTP/1.1\r\nHost: t\r\n\r\n")
            // Long after the stall timeout, long before the idle one (30 s).
            try await waitFor("every connection to close", timeout: .seconds(10)) { server.openConnections == 0 }
            #expect(try await expectHealthy(server))
        }
    }
}
