// http-parse-probe: reads raw bytes on stdin, runs them through HTTPRequestParser one byte at a
// time (so each request's end offset is exact) and prints one JSON object on stdout:
//   {"requests":[{"method":..,"target":..,"body_length":..,"end":..}],
//    "error":{"kind":..,"status":..,"reason":..} | null, "complete": bool}
// `end` is the offset just past the request's last byte; `complete` is false when input ran out
// mid-request. Used by e2e/http/test_differential.py to compare with h11.
import Foundation
import HTTPServer

var input: [UInt8] = []
while let chunk = try? FileHandle.standardInput.read(upToCount: 65536), !chunk.isEmpty {
    input.append(contentsOf: chunk)
}

var parser = HTTPRequestParser()
var requests: [[String: Any]] = []
var error: [String: Any]? = nil
feeding: for (offset, byte) in input.enumerated() {
    parser.append(CollectionOfOne(byte))
    do {
        while let event = try parser.next() {
            if case .message(let head, let body) = event {
                requests.append(["method": head.method, "target": head.target,
                                 "body_length": body.count, "end": offset + 1])
            }
        }
    } catch let parseError {
        error = ["kind": parseError.kind.rawValue, "status": parseError.status, "reason": parseError.reason]
        break feeding
    }
}
let result: [String: Any] = ["requests": requests, "error": error ?? NSNull(),
                             "complete": error == nil && parser.isIdle]
let json = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
FileHandle.standardOutput.write(json + Data("\n".utf8))
