/// How a `POST /v1/depth` answer labels an ``EncodedDepth``: the media type of its format and one
/// `X-Depth-*` header per fact it states, in the order stated.
extension EncodedDepth {
    /// The answer's `Content-Type`.
    var contentType: String { format.mediaType }

    /// The answer's `X-Depth-*` headers.
    var headers: [(name: String, value: String)] { facts.map { ($0.fact.headerName, $0.value) } }
}

extension DepthRequestOptions.Format {
    /// The media type an answer in this format is sent as.
    var mediaType: String {
        switch self {
        case .png16, .color: "image/png"
        case .json: "application/json"
        case .npy: "application/x-npy"
        case .ply: "application/x-ply"
        }
    }
}

extension DepthFact {
    /// The response header stating this fact.
    var headerName: String {
        switch self {
        case .unit: "X-Depth-Unit"
        case .scale: "X-Depth-Scale"
        case .width: "X-Depth-Width"
        case .height: "X-Depth-Height"
        case .min: "X-Depth-Min"
        case .max: "X-Depth-Max"
        case .focalPx: "X-Depth-Focal-Px"
        case .scaleSource: "X-Depth-Scale-Source"
        case .scaleFactor: "X-Depth-Scale-Factor"
        case .scaleResidual: "X-Depth-Scale-Residual"
        case .colorMin: "X-Depth-Color-Min"
        case .colorMax: "X-Depth-Color-Max"
        case .points: "X-Depth-Points"
        case .step: "X-Depth-Step"
        }
    }
}
