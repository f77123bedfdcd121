import Foundation
import Testing
@testable import FastCGI

@Suite struct ScoreboardTests {
    @Test func slotsAndSnapshot() throws {
        let board = try Scoreboard.create(slots: 4, masterPid: 4242)
        board.claim(slot: 2, pid: 777, generation: 0)
        board.markIdle(slot: 2, served: false)
        board.markBusy(slot: 2, request: "GET /posts/" + String(repeating: "x", count: 500))
        var s = board.snapshot()
        #expect(s.masterPid == 4242)
        #expect(s.workers.count == 1)
        #expect(s.workers[0].pid == 777 && s.workers[0].state == .busy)
        #expect(s.workers[0].currentRequest.hasPrefix("GET /posts/xxx"))
        #expect(s.workers[0].currentRequest.utf8.count == Scoreboard.slotTextCapacity)
        board.markIdle(slot: 2, served: true)
        board.bumpRestarts()
        s = board.snapshot()
        #expect(s.workers[0].requestsServed == 1 && s.workers[0].state == .idle && s.workers[0].busySeconds == 0)
        #expect(s.restarts == 1)
        board.release(slot: 2)
        #expect(board.snapshot().workers.isEmpty)
    }

    @Test func countersAreSharedThroughTheFD() throws {
        let board = try Scoreboard.create(slots: 2)
        board.add(counter: 5, 3)
        board.add(counter: 999, 1) // out of range: ignored
        let other = try #require(Scoreboard.attach(fd: board.fd))
        other.add(counter: 5, 4)
        #expect(board.counter(5) == 7)
        #expect(other.slotCount == 2)
        #expect(board.counter(999) == 0)
    }

    @Test func attachRefusesNonScoreboard() {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        #expect(Scoreboard.attach(fd: fds[0]) == nil)
        close(fds[0]); close(fds[1])
    }
}
