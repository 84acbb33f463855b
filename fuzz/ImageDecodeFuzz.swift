// libFuzzer target: image decoding (ImageIO's decoder over the C layer in CImageCodecs, i.e.
// libjpeg-turbo and libpng), built by scripts/fuzz.sh into one module with the ImageIO sources.
// Small limits keep each execution cheap; a decoded image must have exactly the size the header
// promised, and every failure must be an ImageError.

private let fuzzLimits = DecodeLimits(maxPixels: 512 * 512, maxDimension: 2048, maxProgressiveScans: 32)

@_cdecl("LLVMFuzzerTestOneInput")
public func imageDecodeFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let header: ImageHeader
    do {
        header = try ImageDecoder.probe(bytes, limits: fuzzLimits)
    } catch is ImageError {
        return 0
    } catch {
        fatalError("probe threw a non-ImageError: \(error)")
    }
    // Full size, then DCT-scaled (JPEG) towards a small minimum, as the service asks for.
    for minimumSize in [nil, PixelSize(width: 16, height: 12)] {
        do {
            let image = try ImageDecoder.decode(bytes, minimumSize: minimumSize, limits: fuzzLimits)
            if image.pixels.count != image.width * image.height * 3 { fatalError("pixel buffer size") }
            if minimumSize == nil, image.size != header.size {
                fatalError("decoded \(image.size), header said \(header.size)")
            }
        } catch is ImageError {
        } catch {
            fatalError("decode threw a non-ImageError: \(error)")
        }
    }
    return 0
}
