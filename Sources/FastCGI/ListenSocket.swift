import Foundation

/// The pool's bound, listening socket, owned by the master.
///
/// The descriptor is moved to fd >= 10 with close-on-exec, so it never sits on 0..3 (which
/// posix_spawn rewires in the children) and never leaks into other programs.
final class ListenSocket {
    /// The listening descriptor.
    let fd: Int32
    /// The unix socket file to remove on shutdown (nil for tcp and systemd sockets).
    let unixPath: String?
    private let inode: ino_t

    private init(fd: Int32, unixPath: String?) {
        self.fd = fd
        self.unixPath = unixPath
        var st = stat()
        if let unixPath, stat(unixPath, &st) == 0 { inode = st.st_ino } else { inode = 0 }
    }

    /// Binds and listens on `address`.
    static func open(_ address: ListenAddress, backlog: Int) throws -> ListenSocket {
        switch address {
        case .unix(let path, let mode, let owner, let group):
            return try openUnix(path: path, mode: mode, owner: owner, group: group, backlog: backlog)
        case .tcp(let host, let port):
            return try openTCP(host: host, port: port, backlog: backlog)
        case .systemd:
            return try adoptSystemd()
        }
    }

    /// Closes the socket and removes the unix socket file if it is still ours.
    func close() {
        _ = Glibc.close(fd)
        if let unixPath {
            var st = stat()
            if lstat(unixPath, &st) == 0, st.st_ino == inode { unlink(unixPath) }
        }
    }

    // MARK: unix

    private static func openUnix(path: String, mode: UInt16, owner: String?, group: String?,
                                 backlog: Int) throws -> ListenSocket {
        var addr = sockaddr_un()
        let capacity = MemoryLayout.size(ofValue: addr.sun_path)
        guard path.utf8.count < capacity else {
            throw FastCGIError.invalidConfiguration(
                "unix socket path is \(path.utf8.count) bytes, it must be under \(capacity): \(path)")
        }
        // Resolve owner and group before touching anything.
        var uid = uid_t.max, gid = gid_t.max
        if let owner {
            guard let pw = getpwnam(owner) else { throw FastCGIError.invalidConfiguration("no such user \(owner)") }
            uid = pw.pointee.pw_uid
        }
        if let group {
            guard let gr = getgrnam(group) else { throw FastCGIError.invalidConfiguration("no such group \(group)") }
            gid = gr.pointee.gr_gid
        }
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: path.utf8)
            raw[path.utf8.count] = 0
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw FastCGIError.errno("socket", path) }
        do {
            try removeStale(path: path, addr: addr)
            let rc = withUnsafePointer(to: &addr) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            guard rc == 0 else { throw FastCGIError.errno("bind", path) }
            guard chmod(path, mode_t(mode)) == 0 else { throw FastCGIError.errno("chmod", path) }
            if owner != nil || group != nil {
                guard chown(path, uid, gid) == 0 else { throw FastCGIError.errno("chown", path) }
            }
            guard listen(fd, Int32(clamping: backlog)) == 0 else { throw FastCGIError.errno("listen", path) }
            return ListenSocket(fd: try moveHigh(fd), unixPath: path)
        } catch {
            Glibc.close(fd)
            throw error
        }
    }

    /// Removes a socket file left by a dead master; refuses if something still answers on it
    /// or the path is not a socket.
    private static func removeStale(path: String, addr: sockaddr_un) throws {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        guard (st.st_mode & S_IFMT) == S_IFSOCK else {
            throw FastCGIError.invalidConfiguration("\(path) exists and is not a socket")
        }
        let probe = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard probe >= 0 else { throw FastCGIError.errno("socket", path) }
        defer { Glibc.close(probe) }
        var a = addr
        let live = withUnsafePointer(to: &a) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(probe, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        } == 0
        if live { throw FastCGIError.invalidConfiguration("another process is listening on \(path)") }
        guard unlink(path) == 0 else { throw FastCGIError.errno("unlink", path) }
    }

    // MARK: tcp

    private static func openTCP(host: String, port: Int, backlog: Int) throws -> ListenSocket {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var result: UnsafeMutablePointer<addrinfo>?
        let gai = getaddrinfo(host, String(port), &hints, &result)
        guard gai == 0, let info = result else {
            throw FastCGIError.invalidConfiguration("cannot resolve \(host): \(String(cString: gai_strerror(gai)))")
        }
        defer { freeaddrinfo(result) }
        let fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw FastCGIError.errno("socket", "\(host):\(port)") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard bind(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
            let e = FastCGIError.errno("bind", "\(host):\(port)")
            Glibc.close(fd)
            throw e
        }
        guard listen(fd, Int32(clamping: backlog)) == 0 else {
            let e = FastCGIError.errno("listen", "\(host):\(port)")
            Glibc.close(fd)
            throw e
        }
        return ListenSocket(fd: try moveHigh(fd), unixPath: nil)
    }

    // MARK: systemd

    /// Takes fd 3 from systemd socket activation and hides LISTEN_* from the workers.
    private static func adoptSystemd() throws -> ListenSocket {
        let env = ProcessInfo.processInfo.environment
        guard let pid = env["LISTEN_PID"].flatMap({ Int32($0) }), pid == getpid() else {
            throw FastCGIError.invalidConfiguration("systemd socket requested but LISTEN_PID is not this process")
        }
        guard let count = env["LISTEN_FDS"].flatMap({ Int($0) }), count >= 1 else {
            throw FastCGIError.invalidConfiguration("systemd socket requested but LISTEN_FDS is not >= 1")
        }
        unsetenv("LISTEN_PID")
        unsetenv("LISTEN_FDS")
        unsetenv("LISTEN_FDNAMES")
        return ListenSocket(fd: try moveHigh(3), unixPath: nil)
    }

    /// Moves `fd` to the lowest free descriptor >= 10 with close-on-exec and closes the old one.
    private static func moveHigh(_ fd: Int32) throws -> Int32 {
        let high = fcntl(fd, F_DUPFD_CLOEXEC, 10)
        guard high >= 0 else { throw FastCGIError.errno("fcntl(F_DUPFD_CLOEXEC)") }
        Glibc.close(fd)
        return high
    }
}
