import COpenSSL

/// HMAC-SHA-256 (RFC 2104) under one key, with the key's two padded blocks hashed once, when the
/// key is made. OpenSSL's one-shot `HMAC()` fetches the algorithm and hashes both blocks on
/// every call: for the CSRF token on an anonymous post view that was a seventh of a cached page.
/// Each MAC starts from a copy of the prepared inner and outer states, so it hashes only the
/// message and the inner digest.
///
/// The site's only HMAC: whoever owns a secret keeps it prepared, once per process (the site's
/// CSRF key in `AccountKeys`, the cursor key in `SearchConfig`, `CausalCookie`, `PhotoPeers`),
/// or once per request for a secret that lives no longer (a session's CSRF secret).
///
/// Safe to share between threads: the prepared states are only read (copied) after `init`,
/// and every `mac` works on contexts of its own.
public final class HMACSHA256: @unchecked Sendable {
    private let inner: OpaquePointer
    private let outer: OpaquePointer

    /// SHA-256, fetched from the provider once per process (an EVP_MD is immutable once
    /// fetched, and OpenSSL's reference counting of it is thread-safe).
    nonisolated(unsafe) private static let digest: OpaquePointer = {
        guard let md = EVP_MD_fetch(nil, "SHA256", nil) else { fatalError("OpenSSL has no SHA256") }
        return md
    }()

    public init(key: [UInt8]) {
        var block = key.count > 64 ? Crypto.sha256(key) : key
        block += [UInt8](repeating: 0, count: 64 - block.count)
        inner = Self.prepared(block.map { $0 ^ 0x36 })
        outer = Self.prepared(block.map { $0 ^ 0x5c })
    }

    deinit {
        EVP_MD_CTX_free(inner)
        EVP_MD_CTX_free(outer)
    }

    /// A digest context that has taken in `pad`; traps if OpenSSL fails (out of memory), since a
    /// MAC that silently went wrong would accept or refuse tokens at random.
    private static func prepared(_ pad: [UInt8]) -> OpaquePointer {
        guard let ctx = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new failed") }
        precondition(EVP_DigestInit_ex2(ctx, digest, nil) == 1 && EVP_DigestUpdate(ctx, pad, pad.count) == 1,
                     "SHA-256 init failed")
        return ctx
    }

    /// The 32-byte MAC of `data`.
    public func mac(_ data: [UInt8]) -> [UInt8] {
        guard let ctx = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new failed") }
        defer { EVP_MD_CTX_free(ctx) }
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let ok = out.withUnsafeMutableBufferPointer { o -> Bool in
            EVP_MD_CTX_copy_ex(ctx, inner) == 1 && EVP_DigestUpdate(ctx, data, data.count) == 1
                && EVP_DigestFinal_ex(ctx, o.baseAddress, &length) == 1
                && EVP_MD_CTX_copy_ex(ctx, outer) == 1 && EVP_DigestUpdate(ctx, o.baseAddress, 32) == 1
                && EVP_DigestFinal_ex(ctx, o.baseAddress, &length) == 1
        }
        precondition(ok && length == 32, "HMAC-SHA-256 failed")
        return out
    }
}
