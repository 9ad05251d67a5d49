import ArgumentParser

struct Seed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create the demo store.")
}

struct Poster: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a shelf's poster as SVG.")
}

struct Purge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Remove personal data older than the retention period.")
}
