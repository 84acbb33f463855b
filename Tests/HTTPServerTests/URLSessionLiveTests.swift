import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
@testable import HTTPServer

/// The server against a real HTTP client (Foundation's URLSession, curl underneath on Linux).
@Suite struct URLSessionLiveTests {
    @Test func getAndPostThroughURLSessionReuseOneConnection() async throws {
        try await withServer { server in
            let session = URLSession(configuration: .ephemeral)
            defer { session.finishTasksAndInvalidate() }
            let base = "http://127.0.0.1:\(server.port)"

            let (getData, getResponse) = try await session.data(from: try #require(URL(string: "\(base)/echo?name=a%20b&x=1")))
            let get = try #require(getResponse as? HTTPURLResponse)
            #expect(get.statusCode == 200)
            #expect(get.value(forHTTPHeaderField: "X-Query") == "name=a b;x=1")
            #expect(getData.isEmpty)

            var post = URLRequest(url: try #require(URL(string: "\(base)/echo")))
            post.httpMethod = "POST"
            post.httpBody = Data((0..<100_000).map { UInt8($0 % 256) })
            post.setValue("application/octet-stream", forHTTPHeaderField: "Content-Type")
            let (postData, postResponse) = try await session.data(for: post)
            let posted = try #require(postResponse as? HTTPURLResponse)
            #expect(posted.statusCode == 200)
            #expect(postData == post.httpBody)
            // Keep-alive: both requests came from the same client socket.
            #expect(get.value(forHTTPHeaderField: "X-Remote") == posted.value(forHTTPHeaderField: "X-Remote"))
        }
    }

    @Test func urlSessionSeesErrorStatuses() async throws {
        try await withServer { server in
            let session = URLSession(configuration: .ephemeral)
            defer { session.finishTasksAndInvalidate() }
            var request = URLRequest(url: try #require(URL(string: "http://127.0.0.1:\(server.port)/echo")))
            request.httpMethod = "PURGE"
            let (_, response) = try await session.data(for: request)
            #expect((response as? HTTPURLResponse)?.statusCode == 501)
        }
    }
}
