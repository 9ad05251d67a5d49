import ArgumentParser

// Filled in by the slot allocator issue.
struct SlotsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "slots", abstract: "Pickup slots.")
}

struct RosterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "roster", abstract: "Staff roster.")
}

struct ForecastCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "forecast", abstract: "Busyness forecast.")
}

struct ObservationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "observations", abstract: "Store traffic observations.")
}
