import ArgumentParser

// Placeholder until `depthd health` lands.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "health")
    func run() async throws { throw ExitCode.failure }
}
