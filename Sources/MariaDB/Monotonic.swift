import CSupport

/// CLOCK_MONOTONIC, the site's one clock for intervals (health-check ages, cache TTLs, the pool's
/// timers): unaffected by changes to the wall clock. The pool reads the same source in
/// nanoseconds (`cb_monotonic_ns`).
public enum Monotonic {
    /// Seconds since an arbitrary fixed point (boot).
    public static func seconds() -> Double { Double(cb_monotonic_ns()) / 1e9 }
}
