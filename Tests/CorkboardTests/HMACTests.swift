import Testing
@testable import Corkboard

/// `HMACSHA256` is the site's one HMAC (CSRF tokens, reporter cookies, cursors, the causal
/// cookie, photo copies): known answers from RFC 4231 and from an independent implementation,
/// each MAC computed twice from one prepared key (its prepared states are copied, never used up).
@Suite struct HMACTests {
    /// RFC 4231 §4.2–4.8, all seven cases: short keys, a key shorter than the output, 50-byte
    /// data, truncation (case 5 compares the first 128 bits), and keys longer than a block,
    /// which are hashed first.
    @Test func rfc4231() {
        let cases: [(key: [UInt8], data: [UInt8], mac: String)] = [
            ([UInt8](repeating: 0x0b, count: 20), Array("Hi There".utf8),
             "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
            (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
             "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
            ([UInt8](repeating: 0xaa, count: 20), [UInt8](repeating: 0xdd, count: 50),
             "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
            (Array(1...25), [UInt8](repeating: 0xcd, count: 50),
             "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
            ([UInt8](repeating: 0x0c, count: 20), Array("Test With Truncation".utf8),
             "a3b6167473100ee06e0c796c2955552b"),
            ([UInt8](repeating: 0xaa, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
             "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
            ([UInt8](repeating: 0xaa, count: 131),
             Array(("This is a test using a larger than block-size key and a larger than block-size data."
                    + " The key needs to be hashed before being used by the HMAC algorithm.").utf8),
             "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
        ]
        for (key, data, want) in cases {
            let prepared = HMACSHA256(key: key)
            for _ in 0..<2 {
                let mac = Crypto.hex(prepared.mac(data))
                #expect(mac.prefix(want.count) == want, "key of \(key.count) bytes")
            }
        }
    }

    /// Keys and messages around SHA-256's 64-byte block (empty, one short of the padding
    /// boundary, exactly a block, one over, several blocks): the 30 MACs, concatenated and
    /// hashed, equal what Python's `hmac` module gives for the same bytes.
    @Test func blockBoundaries() {
        var all: [UInt8] = []
        for keyLength in [0, 32, 63, 64, 65] {
            let prepared = HMACSHA256(key: (0..<keyLength).map { UInt8(truncatingIfNeeded: $0 * 7 + 1) })
            for dataLength in [0, 55, 56, 64, 119, 1000] {
                let data = (0..<dataLength).map { UInt8(truncatingIfNeeded: $0 * 13 + 5) }
                let mac = prepared.mac(data)
                #expect(prepared.mac(data) == mac)
                all += mac
            }
        }
        #expect(Crypto.hex(Crypto.sha256(all)) == "75703641b4c9c5d90890d11d6bcbb876d6b66a6226e53b512bd6308bf38bf997")
    }
}
