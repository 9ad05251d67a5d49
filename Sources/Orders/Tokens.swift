import Domain

/// The references an order carries; the randomness is RandomText's.
enum Tokens {
    /// No 0/O, 1/I/L, 2/Z, 5/S, 8/B: easy to read aloud and type at a counter.
    private static let spoken = Array("ACDEFHJKMNPRTUVWXY3467")
    private static let digits = Array("0123456789")

    static func secret() -> String { RandomText.secret() }

    static func isWellFormedSecret(_ token: String) -> Bool { RandomText.isWellFormedSecret(token) }

    /// "K7M-4Q2": what the customer reads out at the counter.
    static func orderNumber() -> String {
        let characters = RandomText.make(6, from: spoken)
        return String(characters.prefix(3)) + "-" + String(characters.suffix(3))
    }

    static func pickupCode() -> String {
        RandomText.make(6, from: digits)
    }
}
