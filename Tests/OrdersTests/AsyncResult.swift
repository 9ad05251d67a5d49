// CheckoutTests writes `await Result { try await … }`; the standard library's
// Result(catching:) is synchronous, so the tests need this async form to compile.
extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
