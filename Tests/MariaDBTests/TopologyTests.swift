import Testing
@testable import MariaDB

@Suite struct TopologyTests {
    let old = TopologyProbe(readOnly: false, serverID: 1, epoch: 1, primaryID: 1)
    let promoted = TopologyProbe(readOnly: false, serverID: 2, epoch: 2, primaryID: 2)
    let replica = TopologyProbe(readOnly: true, serverID: 3, epoch: 2, primaryID: 2)

    @Test func theWritableServerNamedByTheNewestEpochTakesWrites() {
        #expect(Topology.choose([old, promoted, replica], highestSeen: 0) == .init(primary: 1, epoch: 2))
        // Before the promotion: the old primary, everybody at epoch 1.
        let before = TopologyProbe(readOnly: true, serverID: 2, epoch: 1, primaryID: 1)
        #expect(Topology.choose([old, before], highestSeen: 0) == .init(primary: 0, epoch: 1))
    }

    @Test func aPartitionedOldPrimaryIsFencedByAnyNewerEpoch() {
        // It is writable and names itself, but a replica shows epoch 2: refused, even with the
        // new primary out of sight (writes wait rather than split the brain).
        #expect(Topology.choose([old, nil, replica], highestSeen: 0) == .init(primary: nil, epoch: 2))
        // A process that saw epoch 2 before refuses it even when only it answers.
        #expect(Topology.choose([old, nil, nil], highestSeen: 2) == .init(primary: nil, epoch: 2))
    }

    @Test func readOnlyOrUnnamedServersNeverTakeWrites() {
        var ro = promoted
        ro.readOnly = true
        #expect(Topology.choose([ro, replica], highestSeen: 0).primary == nil)
        // Writable but the row names someone else (promotion half done: read_only off, row not yet written).
        let half = TopologyProbe(readOnly: false, serverID: 3, epoch: 2, primaryID: 2)
        #expect(Topology.choose([nil, half], highestSeen: 0).primary == nil)
    }

    @Test func withoutATopologyRowTheOneWritableServer() {
        let w = TopologyProbe(readOnly: false, serverID: 1)
        let r = TopologyProbe(readOnly: true, serverID: 2)
        #expect(Topology.choose([w, r], highestSeen: 0) == .init(primary: 0, epoch: 0))
        #expect(Topology.choose([r, w], highestSeen: 0) == .init(primary: 1, epoch: 0))
        #expect(Topology.choose([w, w], highestSeen: 0).primary == nil)
        #expect(Topology.choose([nil, r], highestSeen: 0).primary == nil)
    }

    @Test func divergenceIsTheServersOwnTransactionsPastTheFork() {
        // Old primary 11 wrote 99 and 100; the replica promoted at 98.
        #expect(GTIDPosition.hasOwn("0-11-100", after: "0-11-98", serverID: 11))
        #expect(!GTIDPosition.hasOwn("0-11-98", after: "0-11-98", serverID: 11))
        // A replica that went on receiving the new primary's transactions has not diverged.
        #expect(!GTIDPosition.hasOwn("0-12-140", after: "0-11-98", serverID: 11))
        #expect(GTIDPosition.hasOwn("0-12-140,1-11-5", after: "0-11-98", serverID: 11))
        #expect(GTIDPosition.progress("0-1-10,1-2-5") == 15)
    }
}
