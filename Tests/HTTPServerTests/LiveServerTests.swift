import Foundation
import Testing
@testable import HTTPServer
import LiveTestSupport
import TestSupport

@Suite struct LiveServerTests {
    @Test func servesAGetOnIPv4LoopbackWithFramingHeaders() async throws {
        try await withServer { server in
            #expect(server.port > 0)
            let client = try RawClient(port: server.port)
            try await client.send("GET /echo?a=1&b=x+y HTTP/1.1\r\nHost: test\r\n\r\n")
            let response = try #require(try await client.readResponse())
            #expect(response.status == 200)
            #expect(response.headers["X-Method"] == "GET")
            #expect(response.headers["X-Query"] == "a=1;b=x y")
            #expect(response.headers["Content-Length"] == "0")
            #expect(response.headers["Connection"] == nil)
            #expect(response.headers["Server"] == "depthd-test")
            let date = try #require(response.headers["Date"])
            #expect(date.hasSuffix(" GMT") && date.count == 29)
            #expect(response.headers["X-Remote"]?.hasPrefix("127.0.0.1:") == true)
        }
    }

    @Test func servesOnIPv6Loopback() async throws {
        try await withServer(testConfiguration(host: "::1")) { server in
            let client = try RawClient(host: "::1", port: server.port)
            try await client.send("POST /echo HTTP/1.1\r\nHost: [::1]\r\nContent-Length: 4\r\n\r\nping")
            let response = try #require(try await client.readResponse())
            #expect(response.status == 200)
            #expect(response.bodyText == "ping")
            #expect(response.headers["X-Remote"]?.hasPrefix("[::1]:") == true)
        }
    }

    @Test func keepAliveConnectionIsReused() async throws {
        try await withServer { server in
            let client = try RawClient(port: server.port)
            var remotes: [String?] = []
            for index in 0..<3 {
                try await client.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 1\r\n\r\n\(index)")
                let response = try #require(try await client.readResponse())
                #expect(response.bodyText == "\(index)")
                remotes.append(response.headers["X-Remote"])
            }
            #expect(Set(remotes).count == 1)
            #expect(server.openConnections == 1)
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        try await withServer { server in
            let client = try RawClient(port: server.port)
            // The first is the slowest: answers must still come back first-in, first-out.
            try await client.send("GET /slow?ms=300&tag=a HTTP/1.1\r\nHost: t\r\n\r\n"
                + "GET /slow?ms=1&tag=b HTTP/1.1\r\nHost: t\r\n\r\n"
                + "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
            #expect(try await client.readResponse()?.bodyText == "slow a")
            #expect(try await client.readResponse()?.bodyText == "slow b")
            #expect(try await client.readResponse()?.bodyText == "abc")
        }
    }

    @Test func headResponseCarriesLengthButNoBody() async throws {
        try await withServer { server in
            let client = try RawClient(port: server.port)
            try await client.send("HEAD /big?bytes=1000 HTTP/1.1\r\nHost: t\r\n\r\n")
            let head = try #require(try await client.readResponse(bodyExpected: false))
            #expect(head.status == 200)
            #expect(head.headers["Content-Length"] == "1000")
            // Had body bytes followed the HEAD response, this next response would be misread.
            try await client.send("GET /echo HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await client.readResponse()?.headers["X-Method"] == "GET")
        }
    }

    @Test func http10ClosesUnlessKeepAliveIsAsked() async throws {
        try await withServer { server in
            let plain = try RawClient(port: server.port)
            try await plain.send("GET /a HTTP/1.0\r\n\r\n")
            #expect(try await plain.readResponse()?.headers["Connection"] == "close")
            #expect(try await plain.isClosedByServer())

            let kept = try RawClient(port: server.port)
            try await kept.send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(try await kept.readResponse()?.headers["Connection"] == "keep-alive")
            try await kept.send("GET /b HTTP/1.0\r\n\r\n")
            #expect(try await kept.readResponse()?.bodyText == "ok /b")
        }
    }

    @Test func connectionCloseRequestIsHonoured() async throws {
        try await withServer { server in
            let client = try RawClient(port: server.port)
            try await client.send("GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
            #expect(try await client.readResponse()?.headers["Connection"] == "close")
            #expect(try await client.isClosedByServer())
        }
    }

    @Test func chunkedRequestBodyIsDecoded() async throws {
        try await withServer { server in
            let client = try RawClient(port: server.port)
            try await client.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n5;x=y\r\npedia\r\n0\r\nX-T: 1\r\n\r\n")
            #expect(try await client.readResponse()?.bodyText == "Wikipedia")
        }
    }

    @Test func expect100ContinueGetsInterimResponseBeforeTheBody() async throws {
        try await withServer { server in
            let client = try RawClient(port: server.port)
            try await client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
            let interim = try #require(try await client.readResponse())
            #expect(interim.status == 100)
            try await client.send("hello")
            let final = try #require(try await client.readResponse())
            #expect(final.status == 200)
            #expect(final.bodyText == "hello")
        }
    }

    @Test func expect100ContinueCanBeRejectedBeforeTheBody() async throws {
        var configuration = testConfiguration()
        configuration.limits.maxBodyBytes = 1000
        configuration.continueHandler = { head in
            head.path == "/refuse" ? HTTPResponse(status: 417, text: "not here") : nil
        }
        try await withServer(configuration) { server in
            let refused = try RawClient(port: server.port)
            try await refused.send("POST /refuse HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")
            let response = try #require(try await refused.readResponse())
            #expect(response.status == 417)
            #expect(response.headers["Connection"] == "close")

            let tooLarge = try RawClient(port: server.port)
            try await tooLarge.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n")
            #expect(try await tooLarge.readResponse()?.status == 413)
            #expect(try await expectHealthy(server))
        }
    }

    @Test func responseHeadersThatCouldSplitTheResponseAreDropped() async throws {
        try await withServer { server in
            let client = try RawClient(port: server.port)
            try await client.send("GET /unsafe-header HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try #require(try await client.readResponse())
            #expect(response.headers["X-Injected"] == nil)
            #expect(response.headers["Set-Cookie"] == nil)
            #expect(response.headers["X-Fine"] == "yes")
        }
    }

    @Test func observerSeesMethodPathStatusAndDuration() async throws {
        let recorder = Recorder<HTTPRequestObservation>()
        var configuration = testConfiguration()
        configuration.observer = { recorder.append($0) }
        try await withServer(configuration) { server in
            let client = try RawClient(port: server.port)
            try await client.send("POST /echo?secret=1 HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc")
            _ = try await client.readResponse()
            try await client.send("GET / HTTP/2.0\r\nHost: t\r\n\r\n")
            _ = try await client.readResponse()
            try await waitFor("both requests to be observed") { recorder.values.count == 2 }
            let first = recorder.values[0]
            #expect(first.method == "POST")
            #expect(first.path == "/echo")
            #expect(first.status == 200)
            #expect(first.requestBodyBytes == 3)
            #expect(first.duration >= .zero)
            #expect(recorder.values[1].status == 505)
            #expect(recorder.values[1].method == nil)
        }
    }

    @Test func maxRequestsPerConnectionClosesAfterTheLast() async throws {
        var configuration = testConfiguration()
        configuration.maxRequestsPerConnection = 2
        try await withServer(configuration) { server in
            let client = try RawClient(port: server.port)
            try await client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await client.readResponse()?.headers["Connection"] == nil)
            try await client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try await client.readResponse()?.headers["Connection"] == "close")
            #expect(try await client.isClosedByServer())
        }
    }

    @Test func clientThatDisconnectsMidBodyLeavesTheServerHealthy() async throws {
        try await withServer { server in
            do {
                let client = try RawClient(port: server.port)
                try await client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\nonly part")
            }
            try await waitFor("every connection to close") { server.openConnections == 0 }
            #expect(try await expectHealthy(server))
        }
    }

    @Test func clientThatHalfClosesAfterItsRequestStillGetsTheResponse() async throws {
        try await withServer { server in
            let client = try RawClient(port: server.port)
            try await client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhi")
            client.shutdownWrite()
            #expect(try await client.readResponse()?.bodyText == "hi")
            #expect(try await client.isClosedByServer())
        }
    }

    @Test func bindingAPortInUseThrowsWithErrno() async throws {
        try await withServer { server in
            var configuration = testConfiguration()
            configuration.port = server.port
            let second = HTTPServer(configuration: configuration, handler: testHandler)
            #expect(throws: SocketError(call: "bind", errorNumber: EADDRINUSE)) { try second.start() }
        }
    }
}
