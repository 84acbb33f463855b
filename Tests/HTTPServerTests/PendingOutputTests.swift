#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import HTTPServer

/// A connection's pending output reaches the socket whole and in order, whether a body is copied
/// or written from its own array, and across writes the kernel takes only in part.
@Suite struct PendingOutputTests {
    /// A connected pair of stream sockets; the first is non-blocking with a small send buffer,
    /// so a large write stops part way with EAGAIN.
    static func socketPair() throws -> (writer: Int32, reader: Int32) {
        var fds: [Int32] = [0, 0]
        try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0)
        var size: Int32 = 4096
        _ = setsockopt(fds[0], SOL_SOCKET, SO_SNDBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK)
        return (fds[0], fds[1])
    }

    /// Writes `output` out, reading the other end whenever the kernel's buffer is full.
    static func drain(_ output: inout PendingOutput, _ pair: (writer: Int32, reader: Int32)) throws -> (bytes: [UInt8], partialWrites: Int) {
        var received: [UInt8] = [], partial = 0
        var chunk = [UInt8](repeating: 0, count: 65536)
        func readAvailable() {
            while true {
                let n = recv(pair.reader, &chunk, chunk.count, Int32(MSG_DONTWAIT))
                guard n > 0 else { return }
                received += chunk[0..<n]
            }
        }
        while try !output.write(to: pair.writer) {
            partial += 1
            readAvailable()
        }
        readAvailable()
        return (received, partial)
    }

    static func pattern(_ count: Int, seed: UInt8) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31) &+ seed } }

    @Test func aHeadAndALargeBodyArriveWholeAndInOrderAcrossPartialWrites() throws {
        let pair = try Self.socketPair()
        defer { close(pair.writer); close(pair.reader) }
        let head = Array("HTTP/1.1 200 OK\r\nContent-Length: 300000\r\n\r\n".utf8)
        let body = Self.pattern(300_000, seed: 7)
        var output = PendingOutput()
        output.append { $0 += head }
        output.append(body: body)
        let (bytes, partial) = try Self.drain(&output, pair)
        #expect(bytes == head + body)
        #expect(partial > 0, "the small send buffer should have stopped the write part way")
        #expect(output.isEmpty)
    }

    @Test func smallBodiesAreCopiedAndBytesAppendedAfterAPendingBodyFollowIt() throws {
        let pair = try Self.socketPair()
        defer { close(pair.writer); close(pair.reader) }
        let first = Self.pattern(100_000, seed: 1), small = Self.pattern(100, seed: 2), second = Self.pattern(50_000, seed: 3)
        var output = PendingOutput()
        output.append { $0 += Array("A".utf8) }
        output.append(body: first)
        output.append { $0 += Array("B".utf8) }     // after a pending large body: it is copied first
        output.append(body: small)
        output.append(body: second)
        let (bytes, _) = try Self.drain(&output, pair)
        #expect(bytes == Array("A".utf8) + first + Array("B".utf8) + small + second)
    }

    @Test func theOutputIsReusableOnceWrittenAndAFailedSocketThrows() throws {
        let pair = try Self.socketPair()
        var output = PendingOutput()
        for round in 0..<3 {
            let body = Self.pattern(20_000 + round, seed: UInt8(round))
            output.append { $0 += [UInt8(round)] }
            output.append(body: body)
            let (bytes, _) = try Self.drain(&output, pair)
            #expect(bytes == [UInt8(round)] + body)
        }
        close(pair.reader)
        output.append(body: Self.pattern(40_000, seed: 9))
        #expect(throws: (any Error).self) { _ = try Self.drain(&output, pair) }
        close(pair.writer)
    }
}
