import ArgumentParser

// Placeholder until `depthd serve` lands.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve")
    func run() async throws { throw ExitCode.failure }
}
