extension String {
    /// The string with its first character upper-cased ("truncated JPEG: ..." -> "Truncated JPEG: ...").
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
