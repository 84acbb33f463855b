import HTTPServer
import ImageIO

/// Which error becomes which problem (and so which status): the pipeline's invalid parameters,
/// decoder errors, multipart errors, the model pool's refusals and requests the HTTP layer refused. The problems themselves are in
/// Problems/ProblemCatalogue.swift; ``ProblemDetails/response(requestID:)`` sends them.
extension ProblemDetails {
    /// 400 naming the parameter the pipeline refused.
    static func forInvalidParameter(_ error: InvalidParameter) -> ProblemDetails {
        .invalidParameter(error.parameter, error.detail)
    }

    /// The problem for an image that failed to decode or prepare: 413 for too many pixels or a side
    /// over the decoder's maximum (`limit` is then that side length), 415 for a
    /// format depthd does not decode, 500 when the codec ran out of memory, 400 otherwise (with why).
    static func forImageError(_ error: ImageError) -> ProblemDetails {
        switch error {
        case let .tooManyPixels(width, height, limit):
            return .imageTooLarge(width: width, height: height, limit: limit)
        case let .invalidDimensions(width, height, maxDimension) where width > maxDimension || height > maxDimension:
            // A side beyond what the decoder takes is a too-large image (413), not a broken one.
            return ProblemDetails.imageTooLarge(width: width, height: height, limit: maxDimension)
                .with(detail: error.description.capitalizedFirst + ".")
        case let .unsupportedFormat(format):
            return ProblemDetails.unsupportedMediaType(received: nil, supported: ImageUpload.supportedMediaTypes)
                .with(detail: "The image is a \(format.name) file; depthd decodes JPEG and PNG only.")
        case .outOfMemory:
            return .internalError("The server ran out of memory decoding the image; retry later or send a smaller image.")
        default:
            return .undecodableImage(error.description.capitalizedFirst + ".")
        }
    }

    /// The problem for a multipart/form-data upload that could not be read, with the status the
    /// parser gives the error (``MultipartError/status``): 413 for the size limits (bytes per
    /// part, number of parts), 415 when the body is not multipart/form-data, 400 otherwise.
    static func forMultipartError(_ error: MultipartError, contentType: String) -> ProblemDetails {
        switch error {
        case .partTooLarge(let limit): .bodyTooLarge(limit: limit, received: nil)
        case .tooManyParts(let limit): .tooManyParts(limit: limit)
        case .notMultipartFormData: .unsupportedMediaType(received: contentType, supported: ImageUpload.supportedMediaTypes)
        default: .badRequest("The multipart/form-data body could not be read: \(error).")
        }
    }

    /// The problem for a request the model pool refused (503s), or nil for a failure inside the
    /// service (answered 500). `queueTimeout` is how long requests may wait in the queue.
    static func forModelPoolError(_ error: ModelPoolError, queueTimeout: Duration) -> ProblemDetails? {
        switch error {
        case .overloaded: .overloaded()
        case .shuttingDown: .notReady("The service is draining (shutting down); send the request to another replica.")
        case .deadlineExceeded: .queueTimeout(seconds: queueTimeout.seconds)
        case .batchSizeMismatch, .workerStartFailed: nil
        }
    }

    /// The problem for a request the HTTP layer refused (malformed, too slow, too large...), with
    /// the parser's status; a body over `maxBodyBytes` is the service's own body-too-large.
    static func forRejectedRequest(_ error: HTTPParseError, maxBodyBytes: Int) -> ProblemDetails {
        error.kind == .bodyTooLarge
            ? .bodyTooLarge(limit: maxBodyBytes, received: nil)
            : ProblemDetails(title: HTTPStatus.reasonPhrase(error.status), status: error.status,
                             detail: error.reason.capitalizedFirst + (error.reason.hasSuffix(".") ? "" : "."))
    }
}
