import Foundation
import Testing
@testable import HTTPServer
import LiveTestSupport
import TestSupport

/// Timeouts and connection limits, with short configured timeouts. Each test asserts what the
/// server did (a 408, a close, a 503), never how fast: the client's receive timeout (5 s) is only
/// a bound so a broken server fails the test instead of hanging it.
@Suite struct LimitsAndTimeoutsLiveTests {
    @Test func idleKeepAliveConnectionIsClosedAfterTheIdleTimeout() async throws {
        var configuration = testConfiguration()
        configuration.idleTimeout = .milliseconds(200)
        try await withServer(configuration) { server in
            let client = try RawClient(port: server.port)
            try await client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await client.readResponse()?.status == 200)
            // Silently closed: no response, just the end of the stream.
            #expect(try await client.isClosedByServer())
            try await waitFor("every connection to close") { server.openConnections == 0 }
        }
    }

    @Test func incompleteHeadIsAnswered408() async throws {
        var configuration = testConfiguration()
        configuration.headTimeout = .milliseconds(300)
        let (recording, rejections) = recordingRejections(configuration)
        try await withServer(recording) { server in
            let client = try RawClient(port: server.port)
            try await client.send("GET / HTTP/1.1\r\nHost: t\r\n")
            let response = try #require(try await client.readResponse())
            #expect(response.status == 408)
            #expect(rejections.values == [.requestTimeout])
            #expect(response.headers["Connection"] == "close")
            #expect(try await client.isClosedByServer())
            #expect(try await expectHealthy(server))
        }
    }

    @Test func slowlorisTricklingHeadersStillTimesOut() async throws {
        var configuration = testConfiguration()
        configuration.headTimeout = .milliseconds(400)
        try await withServer(configuration) { server in
            let client = try RawClient(port: server.port)
            try await client.send("GET / HTTP/1.1\r\n")
            // Each line arrives well inside the timeout; the deadline is for the whole head.
            for index in 0..<8 {
                try? await client.send("X-\(index): v\r\n")
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(try await client.readResponse()?.status == 408)
        }
    }

    @Test func incompleteBodyIsAnswered408() async throws {
        var configuration = testConfiguration()
        configuration.bodyTimeout = .milliseconds(300)
        let (recording, rejections) = recordingRejections(configuration)
        try await withServer(recording) { server in
            let client = try RawClient(port: server.port)
            try await client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc")
            let response = try #require(try await client.readResponse())
            #expect(response.status == 408)
            #expect(rejections.values == [.requestTimeout])
            #expect(try await client.isClosedByServer())
        }
    }

    @Test func connectionsBeyondTheLimitAreRefusedWith503() async throws {
        var configuration = testConfiguration()
        configuration.maxConnections = 2
        try await withServer(configuration) { server in
            var held: [RawClient] = []
            for _ in 0..<2 {
                let client = try RawClient(port: server.port)
                try await client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
                #expect(try await client.readResponse()?.status == 200)
                held.append(client)
            }
            #expect(server.openConnections == 2)
            let refused = try RawClient(port: server.port)
            let response = try #require(try await refused.readResponse())
            #expect(response.status == 503)
            #expect(response.headers["Retry-After"] == "1")
            #expect(response.bodyText == "too many connections, retry\n")
            #expect(response.headers["Connection"] == "close")
            #expect(try await refused.isClosedByServer())
            // The held connections are unaffected, and a freed slot is usable again.
            try await held[0].send("GET /still HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await held[0].readResponse()?.bodyText == "ok /still")
            held.removeLast()
            try await waitFor("exactly one open connection") { server.openConnections == 1 }
            #expect(try await expectHealthy(server))
        }
    }

    @Test func slowReaderDoesNotBlockOtherClients() async throws {
        try await withServer { server in
            let size = 24 * 1024 * 1024
            let slow = try RawClient(port: server.port)
            // Far more than the socket buffers hold: the server must park this write on EAGAIN.
            try await slow.send("GET /big?bytes=\(size) HTTP/1.1\r\nHost: t\r\n\r\n")
            try await Task.sleep(for: .milliseconds(200))
            for index in 0..<3 {
                let other = try RawClient(port: server.port)
                try await other.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\n\r\n\(index)")
                #expect(try await other.readResponse()?.bodyText == "\(index)")
            }
            // The slow reader still gets every byte, intact.
            let response = try #require(try await slow.readResponse())
            #expect(response.body.count == size)
            #expect(response.body == patternBytes(size))
        }
    }

    @Test func readerThatStallsIsDroppedAfterTheWriteStallTimeout() async throws {
        var configuration = testConfiguration()
        configuration.writeStallTimeout = .milliseconds(300)
        try await withServer(configuration) { server in
            let stalled = try RawClient(port: server.port)
            try await stalled.send("GET /big?bytes=\(32 * 1024 * 1024) HTTP/1.1\r\nHost: t\r\n\r\n")
            try await waitFor("every connection to close") { server.openConnections == 0 }
        }
    }

    @Test func readerBelowTheMinimumResponseRateIsResetThoughItKeepsReading() async throws {
        var configuration = testConfiguration()
        configuration.minimumResponseRate = 2 * 1024 * 1024
        configuration.responseRateGracePeriod = .milliseconds(1500)
        try await withServer(configuration) { server in
            // 8 MiB must be taken within 1.5 s + 4 s; more than the server's send buffer can absorb.
            let size = 8 * 1024 * 1024
            let trickler = try RawClient(port: server.port, receiveBufferBytes: 4096)
            try await trickler.send("GET /big?bytes=\(size) HTTP/1.1\r\nHost: t\r\n\r\n")
            // 1 KiB every 20 ms: progress far inside the 30 s stall timeout, but about 50 KiB/s.
            var received = 0
            var endedByServer = false
            let start = ContinuousClock.now
            while ContinuousClock.now - start < .seconds(30) {
                let count = try await trickler.receive(upTo: 1024)
                if count == 0 {
                    endedByServer = true
                    break
                }
                received += count
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(endedByServer)
            #expect(received < size)
            try await waitFor("every connection to close") { server.openConnections == 0 }

            // A reader that keeps up gets the same response whole under the same rule.
            let reader = try RawClient(port: server.port)
            try await reader.send("GET /big?bytes=\(size) HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await reader.readResponse()?.body == patternBytes(size))
        }
    }

    @Test func responseWaitingInTheKernelForAReaderCountsAgainstTheRate() async throws {
        var configuration = testConfiguration()
        configuration.minimumResponseRate = 16 * 1024
        configuration.responseRateGracePeriod = .seconds(1)
        try await withServer(configuration) { server in
            // 24 KiB fits the kernel's buffers whole: the server is done writing at once and waits
            // for the next request, but the peer has taken nothing by the deadline (1 + 1.5 s).
            let stalled = try RawClient(port: server.port, receiveBufferBytes: 4096)
            try await stalled.send("GET /big?bytes=24576 HTTP/1.1\r\nHost: t\r\n\r\n")
            let prompt = try RawClient(port: server.port)
            try await prompt.send("GET /big?bytes=24576 HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await prompt.readResponse()?.body.count == 24576)
            try await waitFor("exactly one open connection", timeout: .seconds(20)) { server.openConnections == 1 }
            // Reset: the peer gets what its own buffer held, then the end, never the whole response.
            var received = 0
            while case let count = try await stalled.receive(upTo: 65536), count > 0 { received += count }
            #expect(received < 24576)
            // The reader that took its response keeps its idle connection past the same deadline.
            try await Task.sleep(for: .seconds(2))
            try await prompt.send("GET /again HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await prompt.readResponse()?.bodyText == "ok /again")
        }
    }

    @Test func gaugesCountConnectionsAndRequestsInFlight() async throws {
        try await withServer { server in
            #expect(server.openConnections == 0)
            let client = try RawClient(port: server.port)
            try await client.send("GET /slow?ms=600 HTTP/1.1\r\nHost: t\r\n\r\n")
            try await waitFor("one request in flight on the one open connection") { server.inFlightRequests == 1 && server.openConnections == 1 }
            _ = try await client.readResponse()
            try await waitFor("no request in flight") { server.inFlightRequests == 0 }
        }
    }
}
