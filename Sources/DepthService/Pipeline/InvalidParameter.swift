/// A request parameter the pipeline refuses: malformed, out of range, combined with one it means
/// nothing with, or not fitting this photo (a pixel outside it, an implausible focal length).
/// It names the parameter and says why; the HTTP side answers it as a 400 problem naming the
/// parameter (HTTP/ProblemMapping.swift), `depthd predict` as an error naming the flag.
public struct InvalidParameter: Error, Equatable, CustomStringConvertible {
    /// The parameter (query name, or `depthd predict` flag) at fault.
    public let parameter: DepthRequestOptions.Parameter
    /// One sentence for the user: what was wrong, and what is accepted.
    public let detail: String

    public init(_ parameter: DepthRequestOptions.Parameter, _ detail: String) {
        self.parameter = parameter
        self.detail = detail
    }

    public var description: String { "\(parameter.rawValue): \(detail)" }
}
