import CSupport
import Foundation

/// Shared memory between the master and its workers: a header, a counters area any module can
/// add to, and one fixed-size slot per worker.
///
/// The master creates it (memfd + ftruncate + mmap MAP_SHARED) and passes the fd to each worker
/// as fd 3, where `attach` maps the same pages. Every numeric field is a 64-bit word accessed with
/// sequentially consistent atomics, so readers in other processes never see a torn number; the
/// request text is advisory (a reader may see it mid-update, it is only for status pages).
///
/// Layout (64-bit words): header 16 words, counters 256 words, then `slotCount` slots of 32
/// words (8 numeric words + 192 bytes of request text), then a table of 65 536 words that
/// features index by hash (the hot-post cache keeps its invalidation generations there), then
/// `namedRowCount` named rows of counters (see `Scoreboard+NamedRows.swift`).
///
/// Backed by a memfd, or by a file (`create(slots:path:)`) so that other processes of the host
/// (the other pool, the mailer, whoever answers /metrics) can map it too, and a restarted
/// master keeps the counts its previous run made.
public final class Scoreboard {
    /// Number of shared counters available to `add(counter:_:)`.
    public static let counterCount = 256
    /// The fd the master hands to workers.
    public static let workerFD: Int32 = 3
    static let magic: UInt64 = 0x434F_524B_5342_0002 // "CORKSB" v2
    static let headerWords = 16
    static let slotWords = 32
    static let slotTextOffset = 64
    static let slotTextCapacity = slotWords * 8 - slotTextOffset
    /// Number of words in the shared table (`bumpTable`, `tableValue`).
    public static let tableSize = 65_536

    /// The memfd backing the mapping.
    public let fd: Int32
    /// Number of worker slots.
    public let slotCount: Int
    private let base: UnsafeMutableRawPointer
    private let size: Int
    private let ownsFD: Bool

    init(fd: Int32, base: UnsafeMutableRawPointer, size: Int, slotCount: Int, ownsFD: Bool) {
        self.fd = fd
        self.base = base
        self.size = size
        self.slotCount = slotCount
        self.ownsFD = ownsFD
    }

    deinit {
        munmap(base, size)
        if ownsFD { close(fd) }
    }

    static func byteSize(slots: Int) -> Int {
        (headerWords + counterCount + slots * slotWords + tableSize + namedRowCount * namedRowWords) * 8
    }

    /// Creates a zeroed scoreboard with `slots` worker slots (master side).
    public static func create(slots: Int, masterPid: Int32 = getpid()) throws -> Scoreboard {
        let raw = cb_memfd_create("corkboard-scoreboard")
        guard raw >= 0 else { throw FastCGIError.errno("memfd_create") }
        // Keep it well away from 0..3, which posix_spawn rewires in the children.
        let fd = fcntl(raw, F_DUPFD_CLOEXEC, 10)
        close(raw)
        guard fd >= 0 else { throw FastCGIError.errno("fcntl(F_DUPFD_CLOEXEC)") }
        let size = byteSize(slots: slots)
        guard ftruncate(fd, off_t(size)) == 0 else {
            let e = FastCGIError.errno("ftruncate", "scoreboard")
            close(fd)
            throw e
        }
        guard let p = map(fd: fd, size: size) else {
            let e = FastCGIError.errno("mmap", "scoreboard")
            close(fd)
            throw e
        }
        let board = Scoreboard(fd: fd, base: p, size: size, slotCount: slots, ownsFD: true)
        board.start(masterPid: masterPid)
        return board
    }

    /// Fills the header for a master starting now (a kept file keeps its counts).
    func start(masterPid: Int32, workers: Int = 0) {
        store(header: 1, 1)
        store(header: 2, UInt64(UInt32(bitPattern: masterPid)))
        store(header: 3, UInt64(time(nil)))
        store(header: 6, UInt64(slotCount))
        store(header: 7, UInt64(workers))
        store(header: 0, Self.magic)
    }

    /// Maps `size` bytes of `fd` shared; nil when mmap fails.
    static func map(fd: Int32, size: Int) -> UnsafeMutableRawPointer? {
        guard let p = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), p != MAP_FAILED else { return nil }
        return p
    }

    /// Maps the scoreboard the master passed as `fd` (worker side); nil if fd is not one.
    /// `ownsFD`: close it with the board (a file another process made, see `open(path:)`).
    public static func attach(fd: Int32 = workerFD, ownsFD: Bool = false) -> Scoreboard? {
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_size >= off_t(byteSize(slots: 0)) else { return nil }
        let size = Int(st.st_size)
        guard let p = map(fd: fd, size: size) else { return nil }
        let words = p.assumingMemoryBound(to: UInt64.self)
        let slots = Int(cb_atomic_load_u64(words + 6))
        guard cb_atomic_load_u64(words) == magic, byteSize(slots: slots) == size else {
            munmap(p, size)
            return nil
        }
        return Scoreboard(fd: fd, base: p, size: size, slotCount: slots, ownsFD: ownsFD)
    }

    // MARK: Words

    var words: UnsafeMutablePointer<UInt64> { base.assumingMemoryBound(to: UInt64.self) }

    func store(header i: Int, _ v: UInt64) { cb_atomic_store_u64(words + i, v) }
    func load(header i: Int) -> UInt64 { cb_atomic_load_u64(words + i) }

    private func slotWord(_ slot: Int, _ i: Int) -> UnsafeMutablePointer<UInt64> {
        precondition(slot >= 0 && slot < slotCount, "scoreboard slot \(slot) out of range")
        return words + Self.headerWords + Self.counterCount + slot * Self.slotWords + i
    }

    // MARK: Counters

    /// Adds `n` to shared counter `counter` (0..<256); visible to every process of the pool.
    public func add(counter: Int, _ n: UInt64) {
        guard counter >= 0 && counter < Self.counterCount else { return }
        _ = cb_atomic_add_u64(words + Self.headerWords + counter, n)
    }

    /// The pool-wide value of shared counter `i` (0 when out of range).
    public func counter(_ i: Int) -> UInt64 {
        guard i >= 0 && i < Self.counterCount else { return 0 }
        return cb_atomic_load_u64(words + Self.headerWords + i)
    }

    /// Sets shared counter `counter` to `v` (a gauge, e.g. the last measured replica lag).
    public func set(counter: Int, _ v: UInt64) {
        guard counter >= 0 && counter < Self.counterCount else { return }
        cb_atomic_store_u64(words + Self.headerWords + counter, v)
    }

    // MARK: Shared table

    private func tableWord(_ i: Int) -> UnsafeMutablePointer<UInt64> {
        words + Self.headerWords + Self.counterCount + slotCount * Self.slotWords + (i & (Self.tableSize - 1))
    }

    /// Raises table word `index` (taken modulo the table size) to at least `atLeast`, and always
    /// by at least one, atomically; returns the new value. Every process sees the change at once.
    @discardableResult
    public func bumpTable(_ index: Int, atLeast: UInt64) -> UInt64 {
        cb_atomic_bump_u64(tableWord(index), atLeast)
    }

    /// The current value of table word `index` (modulo the table size).
    public func tableValue(_ index: Int) -> UInt64 { cb_atomic_load_u64(tableWord(index)) }

    // MARK: Header (master)

    /// Counts one replaced worker.
    func bumpRestarts() { _ = cb_atomic_add_u64(words + 4, 1) }
    /// Counts one rolling restart; returns the new generation.
    func bumpGeneration() -> UInt64 { cb_atomic_add_u64(words + 5, 1) }
    /// The current generation.
    var generation: UInt64 { load(header: 5) }
    /// The master pid recorded at creation.
    public var masterPid: Int32 { Int32(truncatingIfNeeded: load(header: 2)) }
    /// The number of workers the master runs (0 for a board without a pool, or one made
    /// before the master said).
    public var configuredWorkers: Int { Int(load(header: 7)) }

    // MARK: Slots

    /// Claims `slot` for a newly spawned `pid` (master, before the worker runs).
    func claim(slot: Int, pid: Int32, generation: UInt64) {
        cb_atomic_store_u64(slotWord(slot, 2), 0)
        cb_atomic_store_u64(slotWord(slot, 3), 0)
        cb_atomic_store_u64(slotWord(slot, 4), UInt64(time(nil)))
        cb_atomic_store_u64(slotWord(slot, 5), generation)
        cb_atomic_store_u64(slotWord(slot, 6), 0)
        cb_atomic_store_u64(slotWord(slot, 1), WorkerState.starting.rawValue)
        cb_atomic_store_u64(slotWord(slot, 0), UInt64(UInt32(bitPattern: pid)))
    }

    /// Frees `slot` after its process was reaped.
    func release(slot: Int) {
        cb_atomic_store_u64(slotWord(slot, 0), 0)
        cb_atomic_store_u64(slotWord(slot, 1), WorkerState.empty.rawValue)
        cb_atomic_store_u64(slotWord(slot, 3), 0)
    }

    /// The pid recorded in `slot` (0 when empty).
    func pid(slot: Int) -> Int32 { Int32(truncatingIfNeeded: cb_atomic_load_u64(slotWord(slot, 0))) }
    /// The state of `slot`.
    func state(slot: Int) -> WorkerState { WorkerState(rawValue: cb_atomic_load_u64(slotWord(slot, 1))) ?? .empty }
    /// Requests served by the process in `slot`.
    func requestsServed(slot: Int) -> UInt64 { cb_atomic_load_u64(slotWord(slot, 2)) }

    /// Seconds the process in `slot` has been on its current request (0 when not busy).
    func busySeconds(slot: Int, now: UInt64 = cb_monotonic_ns()) -> Double {
        guard state(slot: slot) == .busy else { return 0 }
        let start = cb_atomic_load_u64(slotWord(slot, 3))
        guard start > 0, now > start else { return 0 }
        return Double(now - start) / 1e9
    }

    /// Marks `slot` busy with the request `method` `uri` (shown as "GET /posts/1"), truncated
    /// to fit.
    func markBusy(slot: Int, method: String, uri: String) {
        cb_atomic_store_u64(slotWord(slot, 6), 0)
        let text = UnsafeMutableRawPointer(slotWord(slot, 0)) + Self.slotTextOffset
        var n = 0
        func put(_ part: String) {
            for byte in part.utf8 {
                guard n < Self.slotTextCapacity else { return }
                text.storeBytes(of: byte, toByteOffset: n, as: UInt8.self)
                n += 1
            }
        }
        put(method)
        put(" ")
        put(uri)
        cb_atomic_store_u64(slotWord(slot, 6), UInt64(n))
        cb_atomic_store_u64(slotWord(slot, 3), cb_monotonic_ns())
        cb_atomic_store_u64(slotWord(slot, 1), WorkerState.busy.rawValue)
    }

    /// Marks `slot` idle and counts one served request if `served`.
    func markIdle(slot: Int, served: Bool) {
        if served { _ = cb_atomic_add_u64(slotWord(slot, 2), 1) }
        cb_atomic_store_u64(slotWord(slot, 1), WorkerState.idle.rawValue)
        cb_atomic_store_u64(slotWord(slot, 3), 0)
    }

    /// The request text of `slot`.
    func requestText(slot: Int) -> String {
        let n = min(Int(cb_atomic_load_u64(slotWord(slot, 6))), Self.slotTextCapacity)
        let text = UnsafeRawPointer(slotWord(slot, 0)) + Self.slotTextOffset
        return String(decoding: UnsafeRawBufferPointer(start: text, count: n), as: UTF8.self)
    }

    /// The whole pool as of now, from any process.
    public func snapshot() -> PoolStatus {
        let now = cb_monotonic_ns()
        var workers: [WorkerStatus] = []
        for slot in 0..<slotCount {
            let pid = self.pid(slot: slot)
            guard pid > 0 else { continue }
            workers.append(WorkerStatus(
                slot: slot, pid: pid, state: state(slot: slot), requestsServed: requestsServed(slot: slot),
                busySeconds: busySeconds(slot: slot, now: now), currentRequest: requestText(slot: slot),
                startedAt: cb_atomic_load_u64(slotWord(slot, 4)), generation: cb_atomic_load_u64(slotWord(slot, 5))))
        }
        return PoolStatus(masterPid: masterPid, startedAt: load(header: 3), restarts: load(header: 4),
                          generation: load(header: 5), workers: workers)
    }
}
