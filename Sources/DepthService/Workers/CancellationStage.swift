/// Where `POST /v1/depth` dropped a request whose client had gone (its task was cancelled): the
/// `stage` label of `depthd_requests_cancelled_total`. Every stage after the one named was skipped.
enum CancellationStage: String, CaseIterable, Sendable {
    /// Waiting for an image thread to decode the upload: nothing was decoded.
    case decodeWait = "decode_wait"
    /// While decoding: the decode finished, the request never entered the model queue.
    case decode
    /// Waiting for the model (queued, or taken into a batch that had not started): no inference ran.
    case queue
    /// While its batch ran: the answer was not encoded.
    case model
    /// Waiting for an image thread to encode the answer: nothing was encoded.
    case encodeWait = "encode_wait"
    /// While encoding: all the work was done; only the write was saved.
    case encode
}
