// Placeholder until the decode benchmark lands.
func runDecodeBenchmark(_ arguments: [String]) -> Int32 { 2 }
