import Foundation
@testable import HTTPServer
import LiveTestSupport

/// Test configuration: loopback, port 0, timeouts short enough for fast tests but generous
/// enough for a loaded 2-core machine.
func testConfiguration(host: String = "127.0.0.1") -> HTTPServerConfiguration {
    var configuration = HTTPServerConfiguration(host: host, port: 0)
    configuration.headTimeout = .seconds(30)
    configuration.bodyTimeout = .seconds(30)
    configuration.idleTimeout = .seconds(30)
    configuration.writeStallTimeout = .seconds(30)
    configuration.lingerTimeout = .milliseconds(500)
    configuration.shutdownGracePeriod = .seconds(5)
    configuration.serverName = "depthd-test"
    return configuration
}

/// Routes used by the live tests:
/// /echo (body back, with X-Method, X-Path, X-Query, X-Remote), /big?bytes=N, /slow?ms=N, anything else "ok".
let testHandler: HTTPHandler = { request in
    switch request.path {
    case "/echo":
        let query = request.queryItems.map { "\($0.name)=\($0.value)" }.joined(separator: ";")
        return HTTPResponse(status: 200, headers: [
            "X-Method": request.method, "X-Path": request.path, "X-Query": query,
            "X-Remote": request.remoteAddress, "Content-Type": "application/octet-stream",
        ], body: request.body)
    case "/big":
        let count = Int(request.queryValue("bytes") ?? "") ?? 1_000_000
        return HTTPResponse(status: 200, body: patternBytes(count))
    case "/slow":
        let milliseconds = Int(request.queryValue("ms") ?? "") ?? 200
        try? await Task.sleep(for: .milliseconds(milliseconds))
        return HTTPResponse(status: 200, text: "slow \(request.queryValue("tag") ?? "")")
    case "/unsafe-header":
        return HTTPResponse(status: 200, headers: ["X-Injected": "a\r\nSet-Cookie: evil=1", "X-Fine": "yes"], text: "ok")
    default:
        return HTTPResponse(status: 200, text: "ok \(request.path)")
    }
}

/// `configuration` with an error responder that notes the rule each rejection broke, then answers
/// as the server does by default; a live test reads the response, then the kinds noted (the
/// responder runs before the response is written).
func recordingRejections(_ configuration: HTTPServerConfiguration) -> (HTTPServerConfiguration, Recorder<HTTPParseError.Kind>) {
    let rejections = Recorder<HTTPParseError.Kind>()
    var configuration = configuration
    configuration.errorResponder = { error in
        rejections.append(error.kind)
        return HTTPResponse(rejecting: error)
    }
    return (configuration, rejections)
}

/// Starts a server, runs `body`, and always shuts the server down.
func withServer(_ configuration: HTTPServerConfiguration = testConfiguration(), handler: @escaping HTTPHandler = testHandler,
                _ body: (HTTPServer) async throws -> Void) async throws {
    let server = HTTPServer(configuration: configuration, handler: handler)
    try server.start()
    do {
        try await body(server)
    } catch {
        await server.shutdown(gracePeriod: .seconds(1))
        throw error
    }
    await server.shutdown(gracePeriod: .seconds(1))
}

/// A request that must get a normal answer: the check that a server is healthy after abuse.
func expectHealthy(_ server: HTTPServer, host: String = "127.0.0.1") async throws -> Bool {
    let client = try RawClient(host: host, port: server.port)
    try await client.send("GET /health-check HTTP/1.1\r\nHost: test\r\n\r\n")
    let response = try await client.readResponse()
    return response?.status == 200 && response?.bodyText == "ok /health-check"
}

/// `count` bytes of the repeating pattern 0, 1, ..., 250 (built by doubling: debug builds are slow per element).
func patternBytes(_ count: Int) -> [UInt8] {
    var bytes = (0..<251).map { UInt8($0) }
    bytes.reserveCapacity(count + bytes.count)
    while bytes.count < count { bytes.append(contentsOf: bytes) }
    return Array(bytes.prefix(count))
}
