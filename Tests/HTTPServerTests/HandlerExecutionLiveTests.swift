import Dispatch
import Foundation
import Testing
@testable import HTTPServer
import LiveTestSupport
import TestSupport

/// Where handlers run: each connection's handler task runs on that connection's own queue, so a
/// handler that blocks its thread holds up its own connection only.
@Suite struct HandlerExecutionLiveTests {
    @Test func handlersThatBlockTheirThreadsDoNotHoldUpOtherConnections() async throws {
        // More blocked handlers than cores: on a pool of one thread per core (Swift's global
        // executor) nothing else could run until they return.
        let blocked = ProcessInfo.processInfo.activeProcessorCount + 1
        let gate = DispatchSemaphore(value: 0)
        let handler: HTTPHandler = { request in
            guard request.path == "/block" else { return await testHandler(request) }
            gate.wait()
            return HTTPResponse(status: 200, text: "unblocked")
        }
        // Should the handlers starve the pool this test itself runs on, a Dispatch timer opens the
        // gate, so that the test fails (the answer comes only after it) instead of hanging.
        let valveOpened = Recorder<Bool>()
        DispatchQueue.global().asyncAfter(deadline: .now() + 20) {
            valveOpened.append(true)
            for _ in 0..<blocked { gate.signal() }
        }
        try await withServer(handler: handler) { server in
            var clients: [RawClient] = []
            for _ in 0..<blocked {
                let client = try RawClient(port: server.port)
                try await client.send("GET /block HTTP/1.1\r\nHost: t\r\n\r\n")
                clients.append(client)
            }
            try await waitFor("every blocked request in flight") { server.inFlightRequests == blocked }
            // Answered while every /block handler still blocks (bounded wait, far below the tests' 30 s).
            let other = try RawClient(port: server.port, receiveTimeout: 10)
            try await other.send("GET /free HTTP/1.1\r\nHost: t\r\n\r\n")
            let free = try await other.readResponse()
            #expect(valveOpened.values.isEmpty, "answered only once the blocked handlers had returned")
            for _ in 0..<blocked { gate.signal() }
            #expect(free?.bodyText == "ok /free")
            for client in clients {
                #expect(try await client.readResponse()?.bodyText == "unblocked")
            }
        }
    }
}
