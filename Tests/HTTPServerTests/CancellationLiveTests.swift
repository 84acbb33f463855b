import Foundation
import Testing
@testable import HTTPServer
import LiveTestSupport
import TestSupport

/// A handler's task is cancelled when its client goes, and only then.
@Suite struct CancellationLiveTests {
    /// What the handler of "/wait" saw: "cancelled" when its long sleep was interrupted by
    /// cancellation (through `Task.sleep` and through `withTaskCancellationHandler`), "slept" otherwise.
    final class Probe: Sendable {
        let outcomes = Recorder<String>()
        let cancellationHandlerRan = Recorder<Bool>()
        let observations = Recorder<HTTPRequestObservation>()

        var handler: HTTPHandler {
            { [self] request in
                guard request.path == "/wait" else { return await testHandler(request) }
                let slept: Bool = await withTaskCancellationHandler {
                    do {
                        // Far longer than any test waits: only cancellation ends it in time.
                        try await Task.sleep(for: .seconds(600))
                        return true
                    } catch {
                        return false
                    }
                } onCancel: {
                    cancellationHandlerRan.append(true)
                }
                outcomes.append(slept ? "slept" : (Task.isCancelled ? "cancelled" : "woken"))
                return HTTPResponse(status: 200, text: slept ? "slept" : "cancelled")
            }
        }

        var configuration: HTTPServerConfiguration {
            var configuration = testConfiguration()
            configuration.observer = { [observations] in observations.append($0) }
            return configuration
        }

        func observation(for path: String) -> HTTPRequestObservation? {
            observations.values.first { $0.path == path }
        }
    }

    @Test func handlerIsCancelledWhenTheClientCloses() async throws {
        try await expectHandlerCancelled { $0.close() }
    }

    @Test func handlerIsCancelledWhenTheClientResets() async throws {
        // A reset closes the connection at once, before the handler has returned.
        try await expectHandlerCancelled { $0.close(resetting: true) }
    }

    /// Ends the connection with `go` while "/wait" sleeps, and checks that its handler was
    /// cancelled, the connection and request are gone, the observer heard `clientGone`, and the
    /// server still serves.
    private func expectHandlerCancelled(when go: (RawClient) -> Void) async throws {
        let probe = Probe()
        try await withServer(probe.configuration, handler: probe.handler) { server in
            let client = try RawClient(port: server.port)
            try await client.send("GET /wait HTTP/1.1\r\nHost: t\r\n\r\n")
            try await waitFor("one request in flight") { server.inFlightRequests == 1 }
            go(client)
            try await waitFor("the handler to see its cancellation") { probe.outcomes.values == ["cancelled"] }
            #expect(probe.cancellationHandlerRan.values == [true])
            try await waitFor("no request in flight and no open connection") { server.inFlightRequests == 0 && server.openConnections == 0 }
            try await waitFor("/wait to be observed as client gone") { probe.observation(for: "/wait")?.outcome == .clientGone }
            #expect(try await expectHealthy(server))
        }
    }

    @Test func halfCloseCountsAsGoneButWhatTheHandlerStillReturnsIsDelivered() async throws {
        let probe = Probe()
        try await withServer(probe.configuration, handler: probe.handler) { server in
            let client = try RawClient(port: server.port)
            try await client.send("GET /wait HTTP/1.1\r\nHost: t\r\n\r\n")
            try await waitFor("one request in flight") { server.inFlightRequests == 1 }
            client.shutdownWrite()
            let response = try #require(try await client.readResponse())
            #expect(response.status == 200)
            #expect(response.bodyText == "cancelled")
            #expect(response.headers["Connection"] == "close")
            #expect(try await client.isClosedByServer())
            #expect(probe.outcomes.values == ["cancelled"])
            try await waitFor("/wait to be observed as client gone") { probe.observation(for: "/wait")?.outcome == .clientGone }
        }
    }

    @Test func pipelinedRequestSentWhileTheHandlerRunsIsAnsweredAndNothingIsCancelled() async throws {
        let release = Recorder<Bool>()
        let cancelled = Recorder<Bool>()
        let observations = Recorder<HTTPRequestObservation>()
        var configuration = testConfiguration()
        configuration.observer = { observations.append($0) }
        let handler: HTTPHandler = { request in
            guard request.path == "/held" else { return await testHandler(request) }
            while release.values.isEmpty, !Task.isCancelled { try? await Task.sleep(for: .milliseconds(5)) }
            cancelled.append(Task.isCancelled)
            return HTTPResponse(status: 200, text: "held done")
        }
        try await withServer(configuration, handler: handler) { server in
            let client = try RawClient(port: server.port)
            try await client.send("GET /held HTTP/1.1\r\nHost: t\r\n\r\n")
            try await waitFor("one request in flight") { server.inFlightRequests == 1 }
            // Sent while the first handler runs: a small request, then one whose body is larger
            // than what the server buffers meanwhile (the rest waits in the kernel).
            let large = patternBytes(HTTPConnection.maxBufferedWhileHandling * 2)
            try await client.send("GET /echo?n=2 HTTP/1.1\r\nHost: t\r\n\r\n")
            // May not fit in the kernel's buffers until the server reads on, so it is not awaited yet.
            let sending = Task {
                try await client.send(bytes: RawClient.head("POST", "/echo?n=3", headers: [], bodyLength: large.count) + large)
            }
            try await Task.sleep(for: .milliseconds(300))
            release.append(true)
            try await sending.value
            let first = try #require(try await client.readResponse())
            #expect(first.bodyText == "held done")
            #expect(first.headers["Connection"] == nil)
            let second = try #require(try await client.readResponse())
            #expect(second.headers["X-Query"] == "n=2")
            let third = try #require(try await client.readResponse())
            #expect(third.headers["X-Query"] == "n=3")
            #expect(third.body == large)
            #expect(cancelled.values == [false])
            // Still a keep-alive connection.
            try await client.send("GET /again HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await client.readResponse()?.bodyText == "ok /again")
            #expect(server.openConnections == 1)
            try await waitFor("four request observations") { observations.values.count == 4 }
            #expect(observations.values.allSatisfy { $0.outcome == .responded })
        }
    }
}
