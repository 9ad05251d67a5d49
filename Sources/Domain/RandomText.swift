/// The one source of random text: tokens, codes and generated passwords.
/// SystemRandomNumberGenerator reads the kernel's CSPRNG (getrandom), and
/// `next(upperBound:)` draws without modulo bias, so nothing can be predicted.
public enum RandomText {
    public static let urlSafe = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

    /// `length` characters drawn uniformly from `alphabet`.
    public static func make(_ length: Int, from alphabet: [Character]) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }

    /// 256 bits as 43 URL-safe characters: sessions, baskets, order links.
    public static func secret() -> String {
        make(43, from: urlSafe)
    }

    public static func isWellFormedSecret(_ text: String) -> Bool {
        text.count == 43 && text.allSatisfy(urlSafe.contains)
    }
}
