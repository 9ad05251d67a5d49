/// Random secrets and references. SystemRandomNumberGenerator reads the
/// kernel's CSPRNG (getrandom), so tokens cannot be predicted.
enum Tokens {
    private static let urlSafe = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    /// No 0/O, 1/I/L, 2/Z, 5/S, 8/B: easy to read aloud and type at a counter.
    private static let spoken = Array("ACDEFHJKMNPRTUVWXY3467")

    /// 256 bits as 43 URL-safe characters: basket tokens and order links.
    static func secret() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<43).map { _ in urlSafe[Int(generator.next(upperBound: UInt64(urlSafe.count)))] })
    }

    static func isWellFormedSecret(_ token: String) -> Bool {
        token.count == 43 && token.utf8.allSatisfy { byte in urlSafe.contains(Character(UnicodeScalar(byte))) }
    }

    /// "K7M-4Q2": what the customer reads out at the counter.
    static func orderNumber() -> String {
        var generator = SystemRandomNumberGenerator()
        let characters = (0..<6).map { _ in spoken[Int(generator.next(upperBound: UInt64(spoken.count)))] }
        return String(characters[0..<3]) + "-" + String(characters[3..<6])
    }

    static func pickupCode() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<6).map { _ in Character(String(generator.next(upperBound: 10 as UInt64))) })
    }
}
