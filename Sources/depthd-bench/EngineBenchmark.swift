// Placeholder until the engine benchmark lands.
func runEngineBenchmark(_ arguments: [String]) -> Int32 { 2 }
