import Foundation
import Testing
@testable import FastCGI

@Suite struct ScoreboardTests {
    @Test func slotsAndSnapshot() throws {
        let board = try Scoreboard.create(slots: 4, masterPid: 4242)
        board.claim(slot: 2, pid: 777, generation: 0)
        board.markIdle(slot: 2, served: false)
        board.markBusy(slot: 2, method: "GET", uri: "/posts/" + String(repeating: "x", count: 500))
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

    /// Each worker is recycled after its own count, in the top quarter up to max_requests.
    @Test func workersAreRecycledInTheTopQuarterOfMaxRequests() {
        #expect(PoolConfig.recycleRange(1_000_000) == 750_000...1_000_000)
        #expect(PoolConfig.recycleRange(10) == 8...10 && PoolConfig.recycleRange(1) == 1...1)
        #expect(PoolConfig(listen: .tcp(host: "127.0.0.1", port: 9000)).maxRequests == 1_000_000)
    }

    @Test func attachRefusesNonScoreboard() {
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        #expect(Scoreboard.attach(fd: fds[0]) == nil)
        close(fds[0]); close(fds[1])
    }
}

@Suite struct ScoreboardFileTests {
    func path() -> String { FileManager.default.temporaryDirectory.appendingPathComponent("cb-board-\(UInt32.random(in: 0...UInt32.max)).board").path }

    @Test func aRestartedMasterKeepsCountsAndNamedRowsButNotSlots() throws {
        let file = path()
        defer { unlink(file) }
        do {
            let board = try Scoreboard.create(slots: 3, path: file, workers: 1)
            board.add(counter: 7, 5)
            let row = try #require(board.row(named: "/post/:id"))
            board.add(row: row, value: 2, 4)
            board.claim(slot: 1, pid: 4242, generation: 0)
            // A second master with the same file is refused while the first holds it.
            #expect(throws: FastCGIError.self) { try Scoreboard.create(slots: 3, path: file) }
            // A reader maps the same pages by name.
            let reader = try #require(Scoreboard.attach(path: file))
            #expect(reader.counter(7) == 5 && reader.configuredWorkers == 1)
        }
        do {
            let again = try Scoreboard.create(slots: 3, path: file, workers: 2)
            #expect(again.counter(7) == 5)
            #expect(again.namedRows()["/post/:id"]?[2] == 4)
            #expect(again.snapshot().workers.isEmpty)
            #expect(again.configuredWorkers == 2)
        }
        // A different layout (slot count) starts from zero rather than misreading.
        #expect(try Scoreboard.create(slots: 5, path: file).counter(7) == 0)
    }

    @Test func rowsOfTheSameNameAddUpAndTooLongNamesAreRefused() throws {
        let board = try Scoreboard.create(slots: 1)
        let a = try #require(board.row(named: "/a"))
        #expect(board.row(named: "/a") == a)
        board.add(row: a, value: 0, 2)
        #expect(board.namedRows() == ["/a": [2] + [UInt64](repeating: 0, count: Scoreboard.namedRowValues - 1)])
        #expect(board.row(named: String(repeating: "x", count: Scoreboard.namedRowNameCapacity + 1)) == nil)
        #expect(board.row(named: "") == nil)
    }
}
