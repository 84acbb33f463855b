import HTTPServer
import ImageIO

/// The image bytes of a `POST /v1/depth` request: the raw body (`image/jpeg`, `image/png`,
/// `application/octet-stream`) or the part named `image` of a `multipart/form-data` body.
///
/// The Content-Type only chooses how to read the body; what the bytes are is decided from their
/// signature, so a GIF sent as `application/octet-stream` is still refused with 415.
enum ImageUpload {
    /// How a body of an accepted media type is read.
    private enum Reading { case raw, form }

    /// The media types `POST /v1/depth` accepts and how each is read, in the order 415 answers list them.
    private static let accepted: [(mediaType: String, reading: Reading)] = [
        ("image/jpeg", .raw), ("image/png", .raw), ("application/octet-stream", .raw), ("multipart/form-data", .form),
    ]
    /// The media types `POST /v1/depth` accepts, as listed in 415 answers.
    static let supportedMediaTypes = accepted.map(\.mediaType)
    static let formFieldName = "image"
    /// Most parts a multipart/form-data upload may have (413 beyond).
    static let maxFormParts = 16

    /// The image's bytes, or the problem to answer with (400, 413, 415; ProblemMapping.swift).
    static func imageBytes(of request: HTTPRequest, maxBodyBytes: Int) throws(ProblemDetails) -> [UInt8] {
        guard let contentType = request.headers["Content-Type"] else {
            throw .unsupportedMediaType(received: nil, supported: supportedMediaTypes)
        }
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        let bytes: [UInt8]
        switch accepted.first(where: { $0.mediaType == mediaType })?.reading {
        case .raw:
            bytes = request.body
        case .form:
            bytes = try imagePart(of: request.body, contentType: contentType, maxBodyBytes: maxBodyBytes)
        case nil:
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
                                                limits: .init(maxParts: maxFormParts, maxPartBytes: maxBodyBytes))
        } catch {
            throw .forMultipartError(error, contentType: contentType)
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
