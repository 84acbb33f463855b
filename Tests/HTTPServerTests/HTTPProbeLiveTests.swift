import Foundation
import Testing
@testable import HTTPServer
import LiveTestSupport

/// `HTTPProbe`, the blocking health-check GET, against a live server: it reports the status and
/// sends the user agent its caller names (HTTPServer itself names none).
@Suite struct HTTPProbeLiveTests {
    /// A server whose handler notes each request's User-Agent and answers 204 on /ready, 503 elsewhere.
    func withRecordingServer(_ body: (HTTPServer, Recorder<String?>) async throws -> Void) async throws {
        let agents = Recorder<String?>()
        try await withServer(handler: { request in
            agents.append(request.headers["User-Agent"])
            return HTTPResponse(status: request.path == "/ready" ? 204 : 503)
        }) { server in try await body(server, agents) }
    }

    @Test func probeReportsTheStatusAndSendsTheCallersUserAgent() async throws {
        try await withRecordingServer { server, agents in
            let ready = try HTTPProbe.status(host: "127.0.0.1", port: server.port, path: "/ready",
                                             userAgent: "probe-test/1", timeout: .seconds(10))
            #expect(ready == 204)
            let other = try HTTPProbe.status(host: "127.0.0.1", port: server.port, path: "/other?x=1", timeout: .seconds(10))
            #expect(other == 503)
            #expect(agents.values == ["probe-test/1", nil], "no User-Agent unless the caller names one")
        }
    }

    @Test func userAgentOrPathThatWouldChangeTheFramingIsRefusedBeforeSending() async throws {
        try await withRecordingServer { server, agents in
            let injected = #expect(throws: SocketError.self) {
                try HTTPProbe.status(host: "127.0.0.1", port: server.port, path: "/ready",
                                     userAgent: "a\r\nX-Injected: 1", timeout: .seconds(10))
            }
            #expect(injected?.errorNumber == EINVAL)
            let spaced = #expect(throws: SocketError.self) {
                try HTTPProbe.status(host: "127.0.0.1", port: server.port, path: "/ready HTTP/1.0", timeout: .seconds(10))
            }
            #expect(spaced?.errorNumber == EINVAL)
            // The server heard only the well-formed probe sent after them.
            let after = try HTTPProbe.status(host: "127.0.0.1", port: server.port, path: "/ready", userAgent: "ok", timeout: .seconds(10))
            #expect(after == 204)
            #expect(agents.values == ["ok"])
        }
    }
}
