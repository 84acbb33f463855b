// libFuzzer target: the C layer's own PNG writer and deflate (png_writer.c, deflate_fast.c),
// built by scripts/fuzz.sh into one module with the ImageIO sources. The input chooses a size and
// the samples; every 16-bit grey and 8-bit RGB PNG written (each row filter) must decode through
// libpng and zlib to exactly the samples encoded. Inputs that repeat a few bytes make long matches,
// the rest near-random literals, so both halves of the compressor run.

@_cdecl("LLVMFuzzerTestOneInput")
public func pngEncodeFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 3 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    // width 1...256, height 1...64, samples cycled from the rest of the input.
    let width = Int(bytes[0]) + 1, height = Int(bytes[1] & 63) + 1
    let payload = bytes.count > 2 ? Array(bytes[2...]) : [0]
    let count = width * height

    let grey = (0..<count).map { i in
        UInt16(payload[(2 * i) % payload.count]) << 8 | UInt16(payload[(2 * i + 1) % payload.count])
    }
    do {
        let png = try ImageEncoder.png16(grey, width: width, height: height, text: [(key: "k", value: "v")])
        let decoded = try Gray16Image.decodePNG(png)
        if decoded.width != width || decoded.height != height || decoded.values != grey {
            fatalError("png16 round trip changed the samples (\(width)x\(height))")
        }
    } catch {
        fatalError("png16 of a valid grid failed: \(error)")
    }

    let rgb = (0..<count * 3).map { payload[$0 % payload.count] }
    guard let image = try? RGBImage(width: width, height: height, pixels: rgb) else { fatalError("RGBImage refused \(width)x\(height)") }
    for filter in [ImageEncoder.RowFilter.none, .sub, .up] {
        do {
            let decoded = try ImageDecoder.decode(try ImageEncoder.png(image, filter: filter))
            if decoded.width != width || decoded.height != height || decoded.pixels != rgb {
                fatalError("RGB PNG round trip (filter \(filter)) changed the pixels (\(width)x\(height))")
            }
        } catch {
            fatalError("RGB PNG of a valid image failed: \(error)")
        }
    }
    return 0
}
