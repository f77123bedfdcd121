import Foundation

/// Peer addresses allowed to read operator pages: this host's loopback (127.0.0.1 and ::1,
/// exactly what nginx's `allow` lines say) plus configured addresses or networks
/// (`metrics_allow = 10.0.0.5, 10.1.0.0/16, fd00::/8`), matched on their bytes.
public struct AddressAllowList: Sendable, Equatable {
    /// One allowed network: address bytes (4 or 16) and prefix length.
    public struct Network: Sendable, Equatable, CustomStringConvertible {
        public var bytes: [UInt8]
        public var prefix: Int
        public var description: String { Self.text(bytes) + (prefix == bytes.count * 8 ? "" : "/\(prefix)") }

        func contains(_ address: [UInt8]) -> Bool {
            guard address.count == bytes.count else { return false }
            var left = prefix
            for (a, b) in zip(address, bytes) where left > 0 {
                let mask: UInt8 = left >= 8 ? 0xff : ~(0xff >> UInt8(left))
                if a & mask != b & mask { return false }
                left -= 8
            }
            return true
        }

        static func text(_ bytes: [UInt8]) -> String {
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            let family = bytes.count == 4 ? AF_INET : AF_INET6
            return bytes.withUnsafeBytes { raw in
                inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil
                    ? String(cString: buffer) : "?"
            }
        }
    }

    /// The configured networks (loopback comes on top of these).
    public var networks: [Network]
    static let loopback = [Network(bytes: [127, 0, 0, 1], prefix: 32), Network(bytes: [UInt8](repeating: 0, count: 15) + [1], prefix: 128)]

    /// Parses a comma-separated list; the failure names the first entry that is not an address or network.
    public static func parse(_ text: String) -> Result<AddressAllowList, ParseFailure> {
        var networks: [Network] = []
        for item in text.split(separator: ",") {
            let entry = item.trimmingCharacters(in: .whitespaces)
            if entry.isEmpty { continue }
            let parts = entry.split(separator: "/", maxSplits: 1).map(String.init)
            guard let bytes = address(parts[0]) else { return .failure(ParseFailure(entry: entry)) }
            var prefix = bytes.count * 8
            if parts.count == 2 {
                guard let p = Int(parts[1]), (0...bytes.count * 8).contains(p) else { return .failure(ParseFailure(entry: entry)) }
                prefix = p
            }
            networks.append(Network(bytes: bytes, prefix: prefix))
        }
        return .success(AddressAllowList(networks: networks))
    }

    /// The entry that could not be read.
    public struct ParseFailure: Error { public var entry: String }

    /// Whether `peer` (REMOTE_ADDR as nginx passes it) is loopback or in a configured network.
    public func allows(_ peer: String?) -> Bool {
        guard let peer, var bytes = Self.address(peer) else { return false }
        // An IPv4-mapped IPv6 address is the IPv4 peer.
        if bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff {
            bytes = Array(bytes[12...])
        }
        return (Self.loopback + networks).contains { $0.contains(bytes) }
    }

    /// The nginx `allow` lines for the configured networks (`corkboard metrics-allow`).
    public var nginxRules: String {
        networks.map { "allow  \($0);\n" }.joined()
    }

    static func address(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }
}
