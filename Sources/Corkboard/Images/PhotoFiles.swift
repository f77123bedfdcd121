import Foundation

/// Photo files under the images root, content-addressed: `<root>/<first two hex>/<hex>.jpg`,
/// served by nginx as `/images/<first two hex>/<hex>.jpg` with immutable cache headers (the
/// name changes whenever the bytes would). Files are written atomically — a temporary file in
/// the same directory, fsync, rename, fsync of the directory — so a reader or a crash never
/// sees half a photo. Files are deleted only under their `photos` row lock (`PhotoRegistry`,
/// `PhotoWrites.undo`) or, for files with no row, by `PhotoCollector`.
public struct PhotoFiles: Sendable {
    public let root: String
    /// Other hosts that take a second copy of every file written here (none: one host).
    public let peers: PhotoPeers
    /// Where this host tells the others what happened to its files (and, for `PostVisibility`,
    /// to its posts), under this host's name, so each changes its own copy the same way.
    public let changeLog: ChangeLog

    public init(root: String, peers: PhotoPeers = PhotoPeers(), changeLog: ChangeLog = ChangeLog()) {
        self.root = root
        self.peers = peers
        self.changeLog = changeLog
    }

    /// Where nginx serves the file with this hash. Written straight into the string: a page
    /// shows one per photo, a search page one per hit.
    public static func url(_ sha256: [UInt8]) -> String {
        guard !sha256.isEmpty else { return "/images//.jpg" }
        let prefix = "/images/".utf8, suffix = ".jpg".utf8
        let length = prefix.count + 3 + 2 * sha256.count + suffix.count
        return String(unsafeUninitializedCapacity: length) { out in
            var o = 0
            for b in prefix { out[o] = b; o += 1 }
            Crypto.writeHex(sha256[..<1], into: UnsafeMutableBufferPointer(rebasing: out[o...]))
            out[o + 2] = UInt8(ascii: "/")
            o += 3
            Crypto.writeHex(sha256[...], into: UnsafeMutableBufferPointer(rebasing: out[o...]))
            o += 2 * sha256.count
            for b in suffix { out[o] = b; o += 1 }
            return o
        }
    }

    public func path(_ sha256: [UInt8]) -> String {
        let hex = Crypto.hex(sha256)
        return "\(root)/\(hex.prefix(2))/\(hex).jpg"
    }

    public func exists(_ sha256: [UInt8]) -> Bool {
        var st = stat()
        return stat(path(sha256), &st) == 0 && st.st_size > 0
    }

    /// Writes `bytes` as the file for `sha256` unless it is already there (identical photos
    /// share one file); true when this call created it. The caller holds the photo's row lock
    /// (see `PhotoRegistry.store`), so nothing can remove an existing file before the caller's
    /// transaction references it.
    @discardableResult
    public func write(_ bytes: [UInt8], sha256: [UInt8]) throws -> Bool {
        if exists(sha256) { return false }
        let dir = "\(root)/\(Crypto.hex(sha256).prefix(2))"
        if mkdir(dir, 0o755) != 0 && errno != EEXIST { throw PhotoFileError.system("mkdir", dir, errno) }
        let final = path(sha256)
        let temp = "\(dir)/.\(Crypto.hex(sha256)).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw PhotoFileError.system("open", temp, errno) }
        var ok = false
        defer {
            if !ok { unlink(temp) }
        }
        do {
            defer { close(fd) }
            fchmod(fd, 0o644)   // readable by nginx whatever the umask
            var offset = 0
            while offset < bytes.count {
                let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw PhotoFileError.system("write", temp, errno)
                }
                offset += n
            }
            guard fsync(fd) == 0 else { throw PhotoFileError.system("fsync", temp, errno) }
        }
        guard rename(temp, final) == 0 else { throw PhotoFileError.system("rename", final, errno) }
        ok = true
        let dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 { fsync(dfd); close(dfd) }
        return true
    }

    /// Removes the file for `sha256`, served or withdrawn; a missing file is not an error.
    public func remove(_ sha256: [UInt8]) throws {
        for file in [path(sha256), withdrawnPath(sha256)] where unlink(file) != 0 && errno != ENOENT {
            throw PhotoFileError.system("unlink", file, errno)
        }
    }

    /// Where withdrawn files wait (photos used only by hidden posts): a sibling of the root,
    /// outside what nginx serves, on the same file system so moves are renames.
    public var withdrawnRoot: String {
        (root.hasSuffix("/") ? String(root.dropLast()) : root) + "-withdrawn"
    }

    public func withdrawnPath(_ sha256: [UInt8]) -> String {
        let hex = Crypto.hex(sha256)
        return "\(withdrawnRoot)/\(hex.prefix(2))/\(hex).jpg"
    }

    /// Stops serving the file for `sha256` by moving it aside (caller holds the row lock); a
    /// file already gone is not an error.
    public func withdraw(_ sha256: [UInt8]) throws {
        try move(path(sha256), to: withdrawnPath(sha256), dirs: [withdrawnRoot, "\(withdrawnRoot)/\(Crypto.hex(sha256).prefix(2))"])
    }

    /// Serves a withdrawn file again; when a writer stored the photo anew meanwhile, the
    /// withdrawn copy just goes.
    public func reinstate(_ sha256: [UInt8]) throws {
        if exists(sha256) {
            if unlink(withdrawnPath(sha256)) != 0 && errno != ENOENT { throw PhotoFileError.system("unlink", withdrawnPath(sha256), errno) }
            return
        }
        try move(withdrawnPath(sha256), to: path(sha256), dirs: ["\(root)/\(Crypto.hex(sha256).prefix(2))"])
    }

    private func move(_ from: String, to: String, dirs: [String]) throws {
        for dir in dirs where mkdir(dir, 0o755) != 0 && errno != EEXIST { throw PhotoFileError.system("mkdir", dir, errno) }
        if rename(from, to) != 0 && errno != ENOENT { throw PhotoFileError.system("rename", to, errno) }
    }

    /// A file found under the root: a photo (by hash) or a leftover temporary file.
    public struct Entry {
        public var path: String
        public var sha256: [UInt8]?
        public var modified: Date
    }

    /// Every file under the two-hex-digit directories (what the collector sweeps).
    public func entries() -> [Entry] {
        let fm = FileManager.default
        var out: [Entry] = []
        guard let dirs = try? fm.contentsOfDirectory(atPath: root) else { return [] }
        for dir in dirs where dir.count == 2 && Crypto.sha256(hex: String(repeating: dir, count: 32)) != nil {
            guard let names = try? fm.contentsOfDirectory(atPath: "\(root)/\(dir)") else { continue }
            for name in names {
                let full = "\(root)/\(dir)/\(name)"
                var st = stat()
                guard lstat(full, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { continue }
                let modified = Date(timeIntervalSince1970: TimeInterval(st.st_mtim.tv_sec))
                let sha = name.hasSuffix(".jpg") ? Crypto.sha256(hex: String(name.dropLast(4))) : nil
                out.append(Entry(path: full, sha256: sha, modified: modified))
            }
        }
        return out
    }
}

/// A file-system failure while storing a photo (the log gets the details; the client a 500,
/// or a 503 when the images folder is full: see `isOutOfSpace`).
public struct PhotoFileError: Error, CustomStringConvertible {
    public var call: String
    public var path: String
    public var code: Int32

    /// The images folder's file system (or the user's quota) is full: a state of the host that
    /// passes once space is freed, not a fault of the request.
    public var isOutOfSpace: Bool { code == ENOSPC || code == EDQUOT }

    static func system(_ call: String, _ path: String, _ code: Int32) -> PhotoFileError {
        PhotoFileError(call: call, path: path, code: code)
    }

    public var description: String { "\(call) \(path): \(String(cString: strerror(code)))" }
}
