import ArgumentParser
import Foundation
import HTTPServer

/// `depthd health`: exits 0 when the service answers 200 on its readiness endpoint, 1 otherwise.
/// The container's HEALTHCHECK (the image has no curl).
struct HealthCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Exit 0 if a local depthd is ready (GET /readyz answers 200), 1 otherwise.",
        discussion: "Default URL: http://127.0.0.1:$DEPTHD_PORT/readyz (DEPTHD_PORT defaults to 8080)."
    )

    @Option(help: "The URL to GET (http only).")
    var url: String?

    @Option(help: "Seconds to wait for the answer.")
    var timeout: Double = 2

    func run() throws {
        let target = try Self.parse(url ?? Self.defaultURL(environment: ProcessInfo.processInfo.environment))
        guard timeout > 0, timeout <= 3600 else { throw ValidationError("--timeout must be more than 0 and at most 3600 seconds") }
        do {
            let status = try HTTPProbe.status(host: target.host, port: target.port, path: target.path,
                                              userAgent: Self.userAgent, timeout: .milliseconds(Int64(timeout * 1000)))
            print("\(target.text): \(status)")
            if status != 200 { throw ExitCode.failure }
        } catch let error as SocketError {
            print("\(target.text): \(error)")
            throw ExitCode.failure
        }
    }

    /// How the probe names itself in the service's access log.
    static let userAgent = "depthd-health"

    static func defaultURL(environment: [String: String]) -> String {
        let port = environment["DEPTHD_PORT"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? 8080
        return "http://127.0.0.1:\(port)/readyz"
    }

    /// host, port and path of an `http://host[:port][/path]` URL (IPv6 hosts in brackets).
    static func parse(_ text: String) throws -> (host: String, port: Int, path: String, text: String) {
        guard let components = URLComponents(string: text), components.scheme == "http",
              let host = components.host, !host.isEmpty else {
            throw ValidationError("--url must be an http:// URL, e.g. http://127.0.0.1:8080/readyz")
        }
        let bare = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        let query = components.percentEncodedQuery.map { "?" + $0 } ?? ""
        return (bare, components.port ?? 80, path + query, text)
    }
}
