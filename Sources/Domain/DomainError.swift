/// An error a user caused or can act on. Feature modules say what went
/// wrong; the web layer alone decides how it looks on the wire (status,
/// problem+json, page), so no feature module depends on HTTP.
public protocol DomainError: Error, Sendable {
    var kind: DomainErrorKind { get }
    /// Stable and machine-readable, e.g. "out-of-stock", "slot-full".
    var code: String { get }
    /// One sentence a customer or a member of staff can read.
    var detail: String { get }
    /// Extra facts a client may act on, e.g. the products that ran out.
    var facts: [String: [String]] { get }
}

extension DomainError {
    public var facts: [String: [String]] { [:] }
}

public enum DomainErrorKind: Sendable, Equatable {
    /// Malformed input: a field out of range, a bad date (400).
    case invalid
    /// No such thing, or not visible to this caller (404).
    case notFound
    /// The state changed under the caller: taken, full, already done (409).
    case conflict
    /// Well-formed but not acceptable now: past cutoff, expired (422).
    case unprocessable
    /// Gone for good: a retired shelf, an erased order (410).
    case gone
    /// Not signed in (401) or not allowed (403).
    case unauthenticated
    case forbidden
}
