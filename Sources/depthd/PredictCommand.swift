import ArgumentParser

// Placeholder until `depthd predict` lands.
struct PredictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "predict")
    func run() async throws { throw ExitCode.failure }
}
