/// Hears what the router decides, so the application can count it (shared-memory counters
/// summed over the pool). Called on the worker's one thread; must not block or throw.
///
/// Servers are numbered by configuration: 0 for `db_primary`, 1… for `db_replicas` (a
/// switchover changes which one is the primary, not the numbers).
public protocol DatabaseObserver: AnyObject {
    /// A read was answered by `server`.
    func didRead(server: Int)
    /// A causal wait on `server` ended after `seconds`; `caughtUp` false means it timed out
    /// (or the replica could not tell) and the read fell back to the primary.
    func causalWait(server: Int, seconds: Double, caughtUp: Bool)
    /// A read passed over `server` for `reason`.
    func skipped(server: Int, reason: SkipReason)
    /// A health check of `server` found `state`.
    func checked(server: Int, state: ReplicaState)
    /// A write or read found the primary down; it is remembered for a while.
    func primaryDown()
    /// A statement ran on `server` for `seconds` (`failed`: it threw).
    func didExecute(server: Int, seconds: Double, failed: Bool)
}

extension DatabaseObserver {
    public func didRead(server: Int) {}
    public func causalWait(server: Int, seconds: Double, caughtUp: Bool) {}
    public func skipped(server: Int, reason: SkipReason) {}
    public func checked(server: Int, state: ReplicaState) {}
    public func primaryDown() {}
    public func didExecute(server: Int, seconds: Double, failed: Bool) {}
}
