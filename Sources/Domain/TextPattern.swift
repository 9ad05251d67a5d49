import Foundation

/// A regular expression compiled once. `String.range(of:options: .regularExpression)`
/// compiles its pattern on every call: two of them were 2% of an order's server CPU.
/// Matches exactly as that call does (ICU syntax, no options, anywhere in the text).
public struct TextPattern: @unchecked Sendable {
    // NSRegularExpression is immutable and documented as safe to share between threads.
    private let expression: NSRegularExpression

    public init(_ pattern: String) {
        do {
            expression = try NSRegularExpression(pattern: pattern)
        } catch {
            preconditionFailure("invalid pattern \(pattern): \(error)")
        }
    }

    public func matches(_ text: String) -> Bool {
        expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
