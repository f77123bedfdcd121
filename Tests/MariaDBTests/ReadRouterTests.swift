import Testing
@testable import MariaDB

@Suite struct ReadRouterTests {
    @Test func usableReplicasFirstRotatedThenPrimary() {
        let states = [ReplicaState.unknown, ReplicaState(lag: 0.3), ReplicaState(lag: 1)]
        #expect(ReadRouter.plan(replicas: states, primaryDown: false, causalFallback: false, turn: 0)
            == [.replica(0), .replica(1), .replica(2), .primary])
        #expect(ReadRouter.plan(replicas: states, primaryDown: false, causalFallback: false, turn: 4)
            == [.replica(1), .replica(2), .replica(0), .primary])
    }

    @Test func noReplicasReadsThePrimary() {
        #expect(ReadRouter.plan(replicas: [], primaryDown: false, causalFallback: false, turn: 7) == [.primary])
    }

    @Test func skippedReplicasOnlyAfterThePrimaryAndUnreachableNever() {
        let states = [ReplicaState(skip: .lagging, lag: 30), ReplicaState(skip: .unreachable),
                      ReplicaState(skip: .ioStopped), ReplicaState(lag: 0.1)]
        #expect(ReadRouter.plan(replicas: states, primaryDown: false, causalFallback: false, turn: 0)
            == [.replica(3), .primary, .replica(0), .replica(2)])
        // Primary down: stale replicas still serve reads.
        #expect(ReadRouter.plan(replicas: states, primaryDown: true, causalFallback: false, turn: 0)
            == [.replica(3), .replica(0), .replica(2)])
    }

    @Test func causalFallbackPutsThePrimaryFirst() {
        let states = [ReplicaState(lag: 0.1)]
        #expect(ReadRouter.plan(replicas: states, primaryDown: false, causalFallback: true, turn: 0) == [.primary, .replica(0)])
        #expect(ReadRouter.plan(replicas: states, primaryDown: true, causalFallback: true, turn: 0) == [.replica(0)])
    }

    @Test func healthClassification() {
        #expect(ReadRouter.state(ioRunning: true, lag: 0.5, maxLag: 5) == ReplicaState(lag: 0.5))
        #expect(ReadRouter.state(ioRunning: true, lag: 9, maxLag: 5) == ReplicaState(skip: .lagging, lag: 9))
        #expect(ReadRouter.state(ioRunning: true, lag: nil, maxLag: 5) == ReplicaState(skip: .lagging))
        #expect(ReadRouter.state(ioRunning: false, lag: 0.1, maxLag: 5) == ReplicaState(skip: .ioStopped, lag: 0.1))
    }

    @Test func gtidValidation() {
        #expect(GTID.isValid("0-1-42"))
        #expect(GTID.isValid("0-1-42,1-2-7"))
        #expect(!GTID.isValid(""))
        #expect(!GTID.isValid("0-1"))
        #expect(!GTID.isValid("0-1-42'); DROP"))
        #expect(!GTID.isValid("0--1-2"))
    }
}
