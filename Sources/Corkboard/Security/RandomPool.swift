import COpenSSL
import Synchronization

/// OpenSSL's CSPRNG, drawn a block at a time: an anonymous viewer without a CSRF cookie gets a
/// fresh 32-byte token on every post page, and one `RAND_bytes` call per token (the DRBG's
/// locking, reseed check and AES setup) was 5% of a cached page. One call fills `blockSize`
/// bytes that the next tokens are cut from; each handed-out byte is wiped from the block, so
/// the pool holds only bytes no one has been given.
///
/// The bytes are as unpredictable as `RAND_bytes`'s own (they are its output). The pool is per
/// process: workers are spawned, never forked (see ARCHITECTURE.md), so no two processes share
/// a block. Thread-safe (a mutex around the block): the tests make tokens from many threads.
final class RandomPool: Sendable {
    /// The process's pool.
    static let shared = RandomPool()
    /// Bytes fetched per `RAND_bytes` call; a request for more than a quarter of it is served
    /// by `RAND_bytes` directly.
    static let blockSize = 4096

    /// The block; its bytes at and past `used` are the ones not yet handed out.
    nonisolated(unsafe) private let bytes: UnsafeMutableRawBufferPointer
    /// Bytes of the block already handed out (and wiped); the lock guards the block too.
    private let used: Mutex<Int>

    private init() {
        bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.blockSize, alignment: 16)
        bytes.initializeMemory(as: UInt8.self, repeating: 0)
        used = Mutex(Self.blockSize)
    }

    deinit {
        bytes.deallocate()
    }

    /// Fills `out` with random bytes; traps if OpenSSL fails, since a site that cannot make
    /// unpredictable tokens must not hand out any.
    func fill(_ out: UnsafeMutableRawBufferPointer) {
        guard out.count > 0 else { return }
        guard out.count <= Self.blockSize / 4 else { return Self.draw(out) }
        let block = bytes
        nonisolated(unsafe) let out = out
        used.withLock { used in
            if Self.blockSize - used < out.count {
                Self.draw(block)
                used = 0
            }
            let slice = UnsafeMutableRawBufferPointer(rebasing: block[used..<(used + out.count)])
            out.copyMemory(from: UnsafeRawBufferPointer(slice))
            slice.initializeMemory(as: UInt8.self, repeating: 0)
            used += out.count
        }
    }

    private static func draw(_ out: UnsafeMutableRawBufferPointer) {
        precondition(RAND_bytes(out.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(out.count)) == 1, "RAND_bytes failed")
    }
}
