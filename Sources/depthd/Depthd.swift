import ArgumentParser

/// The `depthd` command line: metric depth from single photos (Eigen, Puhrsch & Fergus, NIPS 2014).
@main
struct Depthd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "depthd",
        abstract: "Metric depth from a single photo: an HTTP service and a command-line tool.",
        subcommands: [ServeCommand.self, PredictCommand.self, HealthCommand.self]
    )
}
