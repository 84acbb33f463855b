import DepthService
import Foundation

/// What openapi.yaml documents, read from its text: each path with its methods, and each
/// operation's query parameters with their enum values. The document is written by hand in one
/// layout (two-space steps: paths at 2, methods at 4, `- name:` at 8, `enum:` at 12), which is
/// all this reader follows; a document it cannot read yields no operations, so tests fail.
struct DocumentedOperations {
    /// Path -> lower-case methods ("get", "post", ...).
    let methods: [String: Set<String>]
    /// "METHOD path" (upper-case method) -> query parameter name -> its enum values (empty: any value).
    let queryParameters: [String: [String: Set<String>]]

    init(_ document: OpenAPIDocument) {
        let lines = String(decoding: document.bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        var methods: [String: Set<String>] = [:]
        var queryParameters: [String: [String: Set<String>]] = [:]
        var inPaths = false
        var path: String?, method: String?
        var parameter: (name: String, inQuery: Bool, values: Set<String>)?

        func finishParameter() {
            if let parameter, parameter.inQuery, let path, let method {
                queryParameters["\(method.uppercased()) \(path)", default: [:]][parameter.name] = parameter.values
            }
            parameter = nil
        }

        for line in lines {
            let indent = line.prefix(while: { $0 == " " }).count
            let text = line.dropFirst(indent)
            if text.isEmpty || text.hasPrefix("#") { continue }
            if parameter != nil, indent <= 8 { finishParameter() }
            if indent == 0 {
                inPaths = text == "paths:"
                path = nil
                continue
            }
            guard inPaths else { continue }
            if indent == 2, text.hasPrefix("/"), text.hasSuffix(":") {
                path = String(text.dropLast())
                methods[path!, default: []] = []
                method = nil
            } else if indent == 4, let path, text.hasSuffix(":"),
                      ["get", "put", "post", "delete", "options", "head", "patch", "trace"].contains(String(text.dropLast())) {
                method = String(text.dropLast())
                methods[path, default: []].insert(method!)
            } else if indent == 8, text.hasPrefix("- name: "), method != nil {
                parameter = (String(text.dropFirst("- name: ".count)), false, [])
            } else if indent == 10, text == "in: query", parameter != nil {
                parameter?.inQuery = true
            } else if indent == 12, text.hasPrefix("enum: ["), text.hasSuffix("]"), parameter != nil {
                let list = text.dropFirst("enum: [".count).dropLast()
                parameter?.values = Set(list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
            }
        }
        finishParameter()
        self.methods = methods
        self.queryParameters = queryParameters
    }
}
