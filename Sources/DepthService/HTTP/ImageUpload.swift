import HTTPServer
import ImageIO

/// The image bytes of a `POST /v1/depth` request: the raw body (`image/jpeg`, `image/png`,
/// `application/octet-stream`) or the part named `image` of a `multipart/form-data` body.
///
/// The Content-Type only chooses how to read the body; what the bytes are is decided from their
/// signature, so a GIF sent as `application/octet-stream` is still refused with 415.
enum ImageUpload {
    /// The media types `POST /v1/depth` accepts, as listed in 415 answers.
    static let supportedMediaTypes = ["image/jpeg", "image/png", "application/octet-stream", "multipart/form-data"]
    static let formFieldName = "image"

    /// The image's bytes, or the problem to answer with (400, 413, 415).
    static func imageBytes(of request: HTTPRequest, maxBodyBytes: Int) throws(ProblemDetails) -> [UInt8] {
        guard let contentType = request.headers["Content-Type"] else {
            throw .unsupportedMediaType(received: nil, supported: supportedMediaTypes)
        }
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let bytes: [UInt8]
        switch mediaType {
        case "image/jpeg", "image/png", "application/octet-stream":
            bytes = request.body
        case "multipart/form-data":
            bytes = try imagePart(of: request.body, contentType: contentType, maxBodyBytes: maxBodyBytes)
        default:
            throw .unsupportedMediaType(received: mediaType.isEmpty ? contentType : mediaType, supported: supportedMediaTypes)
        }
        guard !bytes.isEmpty else {
            throw .undecodableImage("The image is empty: send the JPEG or PNG file's bytes as the body"
                + " (curl --data-binary @photo.jpg) or as the form part `image` (curl -F image=@photo.jpg).")
        }
        try checkSignature(bytes)
        return bytes
    }

    private static func imagePart(of body: [UInt8], contentType: String, maxBodyBytes: Int) throws(ProblemDetails) -> [UInt8] {
        let parts: [MultipartPart]
        do {
            parts = try MultipartFormData.parse(body, contentType: contentType,
                                                limits: .init(maxParts: 16, maxPartBytes: maxBodyBytes))
        } catch {
            switch error {
            case .partTooLarge(let limit): throw .bodyTooLarge(limit: limit, received: nil)
            case .notMultipartFormData: throw .unsupportedMediaType(received: contentType, supported: supportedMediaTypes)
            default: throw .badRequest("The multipart/form-data body could not be read: \(error).")
            }
        }
        guard let part = parts.first(where: { $0.name == formFieldName }) else {
            let names = parts.compactMap(\.name).map { "`\($0)`" }
            let found = names.isEmpty ? "no named parts" : "only " + names.joined(separator: ", ")
            throw .badRequest("The multipart/form-data body has \(found); send the photo as the part `image`"
                + " (curl -F image=@photo.jpg).")
        }
        return part.body
    }

    /// 415 for a recognised format depthd does not decode, 400 for bytes that are no image at all.
    private static func checkSignature(_ bytes: [UInt8]) throws(ProblemDetails) {
        guard let format = ImageFormat.sniff(bytes) else {
            throw .undecodableImage(ImageError.notAnImage.description.capitalizedFirst + ".")
        }
        guard format.isDecodable else {
            throw ProblemDetails.unsupportedMediaType(received: nil, supported: supportedMediaTypes)
                .with(detail: "The image is a \(format.name) file; depthd decodes JPEG and PNG only. "
                    + "Convert it to JPEG or PNG and send it again.")
        }
    }
}

extension ProblemDetails {
    /// The same problem with another `detail`.
    func with(detail: String) -> ProblemDetails {
        var copy = self
        copy.detail = detail
        return copy
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
}

extension String {
    /// The string with its first character upper-cased ("truncated JPEG: ..." -> "Truncated JPEG: ...").
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
