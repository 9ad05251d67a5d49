import Domain

/// A seeded generator, so a failing run (an interleaving, a fuzz case) can be replayed:
/// the product's own SplitMix64.
public typealias SeededGenerator = SplitMix64
