/// An encoded depth map: the bytes of a response body or output file, and how to label them.
public struct EncodedDepth: Sendable {
    /// The file or body bytes.
    public let bytes: [UInt8]
    /// `image/png` (png16, color) or `application/json`.
    public let contentType: String
    /// Response headers that describe the depth: X-Depth-Unit, X-Depth-Scale (png16, json),
    /// X-Depth-Width, X-Depth-Height, and X-Depth-Min / X-Depth-Max in metres (when any estimate).
    public let headers: [(name: String, value: String)]
    /// The usual file extension, with its dot (".png", ".json").
    public let fileExtension: String

    public init(bytes: [UInt8], contentType: String, headers: [(name: String, value: String)], fileExtension: String) {
        self.bytes = bytes
        self.contentType = contentType
        self.headers = headers
        self.fileExtension = fileExtension
    }
}
