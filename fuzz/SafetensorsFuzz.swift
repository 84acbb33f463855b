// libFuzzer target: the safetensors loader and model validation (DepthNet/Loading), built by
// scripts/fuzz.sh into one module with the DepthNet sources. Any failure must be the loader's
// own typed error (the signatures guarantee it); a file that loads must hold what it declares.

@_cdecl("LLVMFuzzerTestOneInput")
public func safetensorsFuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let raw = UnsafeRawBufferPointer(start: data, count: size)
    let file: SafetensorsFile
    do { file = try SafetensorsFile(raw: raw) } catch { return 0 }
    for (name, tensor) in file.tensors {
        let product = tensor.shape.reduce(1, *)
        if product != tensor.count { fatalError("tensor \(name): shape \(tensor.shape) but \(tensor.count) values") }
    }
    do { _ = try DepthModel(file: file) } catch { return 0 }
    return 0
}
