import CSupport
import Foundation

extension Scoreboard {
    /// Creates (master side) a scoreboard backed by the file at `path`, so other processes of
    /// the host can map it by name. A file this layout already made with the same slot count
    /// keeps its counters, named rows and shared table (a restarted pool loses no counts);
    /// its slots are cleared. Anything else at `path` is replaced by a zeroed board.
    ///
    /// The master holds an exclusive `flock` on the file while it runs, so a second pool
    /// configured with the same name fails here instead of sharing slots with the first.
    public static func create(slots: Int, path: String, masterPid: Int32 = getpid(), workers: Int = 0) throws -> Scoreboard {
        let raw = Glibc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
        guard raw >= 0 else { throw FastCGIError.errno("open", path) }
        let fd = fcntl(raw, F_DUPFD_CLOEXEC, 10)
        close(raw)
        guard fd >= 0 else { throw FastCGIError.errno("fcntl(F_DUPFD_CLOEXEC)", path) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw FastCGIError.invalidConfiguration("\(path) is in use by another running pool (pool_name must differ per pool)")
        }
        let size = byteSize(slots: slots)
        var st = stat()
        let reusable = fstat(fd, &st) == 0 && st.st_size == off_t(size) && Self.hasMagic(fd: fd)
        if !reusable {
            // Zero everything: shrink to nothing, then grow (new pages read as zeros).
            guard ftruncate(fd, 0) == 0, ftruncate(fd, off_t(size)) == 0 else {
                let e = FastCGIError.errno("ftruncate", path)
                close(fd)
                throw e
            }
        }
        guard let p = map(fd: fd, size: size) else {
            let e = FastCGIError.errno("mmap", path)
            close(fd)
            throw e
        }
        let board = Scoreboard(fd: fd, base: p, size: size, slotCount: slots, ownsFD: true)
        for slot in 0..<slots { board.release(slot: slot) }
        board.start(masterPid: masterPid, workers: workers)
        return board
    }

    /// Maps the board another process made at `path` (a reader such as /metrics); nil when
    /// there is none, or it is not a board of this layout.
    public static func attach(path: String) -> Scoreboard? {
        let fd = Glibc.open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        guard let board = attach(fd: fd, ownsFD: true) else {
            close(fd)
            return nil
        }
        return board
    }

    /// Whether the master that made this board is still running (a stopped pool's file stays
    /// behind with its counts, but its slots no longer describe live workers).
    public var masterAlive: Bool {
        let pid = masterPid
        guard pid > 0 else { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }

    private static func hasMagic(fd: Int32) -> Bool {
        var word: UInt64 = 0
        return pread(fd, &word, 8, 0) == 8 && word == magic
    }
}
