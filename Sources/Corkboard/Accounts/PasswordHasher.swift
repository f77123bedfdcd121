import CArgon2
import Foundation

/// argon2id password hashes in the PHC string format (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`),
/// so every stored hash carries its own parameters and salt: old hashes keep verifying after the
/// parameters change, and `needsRehash` tells log-in to upgrade them.
public struct PasswordHasher: Sendable {
    public var memoryKiB: Int
    public var iterations: Int
    public var parallelism: Int
    static let saltLength = 16
    static let hashLength = 32

    public init(memoryKiB: Int, iterations: Int, parallelism: Int) {
        self.memoryKiB = memoryKiB
        self.iterations = iterations
        self.parallelism = parallelism
    }

    public init(config: AccountsConfig) {
        self.init(memoryKiB: config.argon2MemoryKiB, iterations: config.argon2Iterations,
                  parallelism: config.argon2Parallelism)
    }

    /// Hashes with a fresh 16-byte salt from OpenSSL's CSPRNG.
    public func hash(_ password: String) throws -> String {
        let salt = Crypto.randomBytes(Self.saltLength)
        let pwd = Array(password.utf8)
        let t = UInt32(iterations), m = UInt32(memoryKiB), p = UInt32(parallelism)
        let length = argon2_encodedlen(t, m, p, UInt32(Self.saltLength), UInt32(Self.hashLength), Argon2_id)
        var encoded = [CChar](repeating: 0, count: length + 1)
        let rc = pwd.withUnsafeBytes { pw in
            salt.withUnsafeBytes { s in
                argon2id_hash_encoded(t, m, p, pw.baseAddress, pw.count, s.baseAddress, s.count,
                                      Self.hashLength, &encoded, encoded.count)
            }
        }
        guard rc == ARGON2_OK.rawValue else { throw PasswordHasherError(code: rc) }
        return String(decoding: encoded.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether `password` matches `encoded`; libargon2 compares the digests in constant time.
    /// A malformed stored hash is simply a mismatch.
    public func verify(_ password: String, against encoded: String) -> Bool {
        let pwd = Array(password.utf8)
        return encoded.withCString { enc in
            pwd.withUnsafeBytes { argon2id_verify(enc, $0.baseAddress, $0.count) == ARGON2_OK.rawValue }
        }
    }

    /// True when `encoded` was made with other parameters (or another algorithm) than these.
    public func needsRehash(_ encoded: String) -> Bool {
        encoded.hasPrefix("$argon2id$v=19$m=\(memoryKiB),t=\(iterations),p=\(parallelism)$") == false
    }
}

/// libargon2 refused to hash (out of memory, bad parameters).
public struct PasswordHasherError: Error, CustomStringConvertible {
    public var code: Int32
    public var description: String { "argon2 error \(code): " + String(cString: argon2_error_message(code)) }
}
