import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The second copy of every photo file, on another application host (issue 14): an upload is
/// acknowledged only once its files are on two hosts, so losing the host that took it loses no
/// photo. `PhotoWrites.store` pushes each file here, still under the photo's row lock and
/// before the transaction commits; when no peer takes it, the upload fails and stores nothing.
///
/// A peer is the internal address of another host's nginx (`photo_peers`), which passes
/// `PUT /_cluster/photos/<sha256>` to that host's upload pool (`PeerPhotoHandler`); the name is
/// the hash of the bytes, checked there, so a copy is idempotent and can never be wrong. Each
/// copy is signed (`signature`, HMAC-SHA-256 over the name and the bytes with
/// `photo_peer_secret`, the same on every host): the listener's address restriction is not the
/// only thing between a neighbour on the hosts' network and this host's disk.
/// Hosts that lack a file (added later, or down during an upload) serve it by asking their
/// peers' nginx (nginx/cluster-image-miss.conf); deletions reach them through the change log.
public struct PhotoPeers: Sendable {
    /// Base URLs such as `http://10.214.0.12:19445`, tried in order; empty: one host.
    public let urls: [String]
    /// Seconds one copy may take before the next peer is tried.
    public let timeout: Double
    /// The key copies are signed with, sent and received, prepared once with the configuration.
    let key: HMACSHA256
    /// Whether a key was set: without one, this host takes no copies.
    let hasSecret: Bool

    public init(urls: [String] = [], timeout: Double = 5, secret: String = "") {
        self.urls = urls
        self.timeout = timeout
        key = HMACSHA256(key: Array(secret.utf8))
        hasSecret = !secret.isEmpty
    }

    /// The request header that carries a copy's signature.
    static let signatureHeader = "X-Corkboard-Peer-Signature"

    /// Hex HMAC-SHA-256 over the file's name (its hash in hex), a newline and its bytes.
    static func signature(name: String, body: [UInt8], key: HMACSHA256) -> String {
        Crypto.hex(mac(name: name, body: body, key: key))
    }

    private static func mac(name: String, body: [UInt8], key: HMACSHA256) -> [UInt8] {
        key.mac(Array(name.utf8) + [0x0A] + body)
    }

    /// Whether `given` (the header's value) signs `body` under `name` with this host's key;
    /// never without a key.
    func verifies(_ given: String?, name: String, body: [UInt8]) -> Bool {
        // 64 hex digits, as a SHA-256 digest is written.
        guard hasSecret, let given, let mac = Crypto.sha256(hex: given) else { return false }
        return Crypto.constantTimeEqual(mac, Self.mac(name: name, body: body, key: key))
    }

    /// Copies `bytes` (the file named by `sha256`) to the first peer that stores it; throws
    /// when every peer failed. Nothing to do without peers.
    public func push(_ bytes: [UInt8], sha256: [UInt8]) throws {
        guard !urls.isEmpty else { return }
        var failures: [String] = []
        for base in urls {
            guard let url = URL(string: "\(base)/_cluster/photos/\(Crypto.hex(sha256))") else {
                failures.append("\(base): not a URL")
                continue
            }
            do {
                try put(url, bytes, signature: Self.signature(name: Crypto.hex(sha256), body: bytes, key: key))
                return
            } catch {
                failures.append("\(base): \(error)")
            }
        }
        throw PhotoPeerError(failures: failures)
    }

    private func put(_ url: URL, _ bytes: [UInt8], signature: String) throws {
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = "PUT"
        request.setValue("application/octet-stream", forHTTPHeaderField: "Content-Type")
        request.setValue(signature, forHTTPHeaderField: Self.signatureHeader)
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.uploadTask(with: request, from: Data(bytes)) { _, response, error in
            outcome.set(status: (response as? HTTPURLResponse)?.statusCode, error: error.map { "\($0)" })
            done.signal()
        }.resume()
        done.wait()
        let (status, error) = outcome.get()
        if let error { throw PhotoPeerError(failures: [error]) }
        guard let status, (200..<300).contains(status) else {
            throw PhotoPeerError(failures: ["answered \(status.map(String.init) ?? "nothing")"])
        }
    }

    /// The answer, handed from URLSession's thread to the waiting one.
    private final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var status: Int?
        private var error: String?
        func set(status: Int?, error: String?) { lock.withLock { (self.status, self.error) = (status, error) } }
        func get() -> (Int?, String?) { lock.withLock { (status, error) } }
    }
}

/// No peer took a photo file: the upload fails (503), so it is never acknowledged on one host.
public struct PhotoPeerError: Error, CustomStringConvertible {
    public var failures: [String]
    public var description: String { "no peer stored the photo: " + failures.joined(separator: "; ") }
}
