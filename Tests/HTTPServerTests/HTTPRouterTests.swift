import Testing
@testable import HTTPServer
import LiveTestSupport

@Suite struct HTTPRouterTests {
    private var router: HTTPRouter {
        var router = HTTPRouter()
        router.add("GET", "/healthz") { _ in HTTPResponse(status: 200, text: "ok") }
        router.add("POST", "/v1/depth") { request in HTTPResponse(status: 200, body: request.body) }
        return router
    }

    private func request(_ method: String, _ path: String) -> HTTPRequest {
        HTTPRequest(method: method, target: path, path: path)
    }

    @Test func routesByMethodAndPath() async {
        #expect(await router.respond(to: request("GET", "/healthz")).status == 200)
        #expect(await router.respond(to: HTTPRequest(method: "POST", target: "/v1/depth", path: "/v1/depth", body: [1, 2])).body == [1, 2])
    }

    @Test func unknownPathIs404() async {
        #expect(await router.respond(to: request("GET", "/nope")).status == 404)
        #expect(!router.hasRoute(for: "/nope") && router.allowedMethods(for: "/nope").isEmpty)
        #expect(router.hasRoute(for: "/v1/depth"))
    }

    @Test func knownPathWithAnotherMethodIs405WithAllow() async {
        let response = await router.respond(to: request("GET", "/v1/depth"))
        #expect(response.status == 405)
        #expect(response.headers["Allow"] == "OPTIONS, POST")
        #expect(await router.respond(to: request("DELETE", "/healthz")).headers["Allow"] == "GET, HEAD, OPTIONS")
    }

    @Test func headFallsBackToGetAndOptionsListsMethods() async {
        #expect(await router.respond(to: request("HEAD", "/healthz")).status == 200)
        let options = await router.respond(to: request("OPTIONS", "/v1/depth"))
        #expect(options.status == 204)
        #expect(options.headers["Allow"] == "OPTIONS, POST")
    }

    @Test func routerServesLiveRequestsWith405OverTheWire() async throws {
        try await withServer(testConfiguration(), handler: router.handler) { server in
            let client = try RawClient(port: server.port)
            try await client.send("PUT /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n")
            let response = try #require(try await client.readResponse())
            #expect(response.status == 405)
            #expect(response.headers["Allow"] == "GET, HEAD, OPTIONS")
            // A 405 is an application answer, not a framing error: the connection stays usable.
            try await client.send("HEAD /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
            let head = try #require(try await client.readResponse(bodyExpected: false))
            #expect(head.headers["Content-Length"] == "2")
            try await client.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await client.readResponse()?.bodyText == "ok")
        }
    }

    /// Found by contract fuzzing (schemathesis): TRACE and QUERY were unknown methods to the parser,
    /// so every path answered 501, a server error, where RFC 9110 wants 405 with Allow for a method
    /// the resource does not support. CONNECT (authority-form only) stays 501.
    @Test func traceAndQueryOnARoutedPathAre405WithAllowOverTheWire() async throws {
        try await withServer(testConfiguration(), handler: router.handler) { server in
            let client = try RawClient(port: server.port)
            try await client.send("TRACE /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try #require(try await client.readResponse())
            #expect(response.status == 405)
            #expect(response.headers["Allow"] == "GET, HEAD, OPTIONS")
            try await client.send("QUERY /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n")
            #expect(try await client.readResponse()?.status == 405)
            try await client.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await client.readResponse()?.bodyText == "ok")
            let connect = try RawClient(port: server.port)
            try await connect.send("CONNECT t:443 HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await connect.readResponse()?.status == 501)
        }
    }
}
