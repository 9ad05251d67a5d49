import Foundation

/// The one source of random text: tokens, codes and generated passwords.
/// The words come from the kernel's CSPRNG (getrandom), and
/// `next(upperBound:)` draws without modulo bias, so nothing can be predicted.
public enum RandomText {
    public static let urlSafe = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

    /// `length` characters drawn uniformly from `alphabet`.
    public static func make(_ length: Int, from alphabet: [Character]) -> String {
        var generator = KernelRandom(words: length + 2)
        return String((0..<length).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }

    /// 256 bits as 43 URL-safe characters: sessions, baskets, order links.
    public static func secret() -> String {
        make(43, from: urlSafe)
    }

    public static func isWellFormedSecret(_ text: String) -> Bool {
        text.count == 43 && text.allSatisfy(urlSafe.contains)
    }

    /// A version 4 (random) UUID from the same source. Foundation's `UUID()` on Linux opens,
    /// reads and closes /dev/urandom for each one: three system calls per order and per hold.
    public static func uuid() -> UUID {
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &bytes, KernelRandom.read)
        bytes.6 = (bytes.6 & 0x0F) | 0x40  // version 4
        bytes.8 = (bytes.8 & 0x3F) | 0x80  // RFC 4122 variant
        return UUID(uuid: bytes)
    }
}

/// The kernel's CSPRNG read a buffer at a time (glibc's arc4random_buf, on getrandom):
/// SystemRandomNumberGenerator asks getrandom for every word, 55 system calls for an
/// order's number, link and pickup code (2% of an order's server CPU).
struct KernelRandom: RandomNumberGenerator {
    private var words: [UInt64]
    private var index = 0

    init(words count: Int) {
        words = Array(repeating: 0, count: max(1, count))
        fill()
    }

    mutating func next() -> UInt64 {
        if index == words.count { fill() }
        defer { index += 1 }
        return words[index]
    }

    private mutating func fill() {
        words.withUnsafeMutableBytes(Self.read)
        index = 0
    }

    /// Fills `buffer` in one call: glibc's arc4random_buf, getrandom underneath.
    static func read(into buffer: UnsafeMutableRawBufferPointer) {
        arc4random_buf(buffer.baseAddress!, buffer.count)
    }
}
