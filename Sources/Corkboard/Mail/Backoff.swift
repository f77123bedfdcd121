/// When a failed message is tried again: exponential back-off with jitter.
///
/// Attempt n (1-based) waits base × 2^(n−1) seconds, capped at `max`, then scaled by a random
/// factor in [0.5, 1] ("equal jitter"), so messages that failed together (a relay outage) do not
/// all come back in the same second.
public struct Backoff: Sendable {
    public var base: Int
    public var max: Int

    public init(base: Int, max: Int) {
        self.base = base
        self.max = max
    }

    /// The un-jittered delay after `attempt` failures, in seconds.
    public func ceiling(afterAttempt attempt: Int) -> Double {
        let exponent = Swift.min(Swift.max(attempt - 1, 0), 40)
        return Swift.min(Double(base) * Double(1 << exponent), Double(max))
    }

    /// The delay with jitter; `unit` is a random number in [0, 1].
    public func delay(afterAttempt attempt: Int, unit: Double = Double.random(in: 0...1)) -> Double {
        let c = ceiling(afterAttempt: attempt)
        return c / 2 + c / 2 * Swift.min(Swift.max(unit, 0), 1)
    }
}
