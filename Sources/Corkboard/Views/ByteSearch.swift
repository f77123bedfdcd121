import CSupport
import Glibc

extension Array where Element == UInt8 {
    /// Where `needle` first occurs in these bytes (nil: nowhere, or `needle` is empty): glibc's
    /// `memmem` finds the candidates by the needle's first `probe` bytes, and each is compared
    /// whole. Foundation's `firstRange(of:)`, which a byte array gets as a `DataProtocol`, runs
    /// unspecialized here, a witness call per byte compared (finding an article in its page so
    /// was a tenth of a worker's time under the mixed load); and `memmem` with a whole article
    /// as the needle takes its two-way path, about 100,000 instructions for a 2 KB needle.
    func firstRange(ofBytes needle: [UInt8], probe: Int = 64) -> Range<Int>? {
        guard !needle.isEmpty, needle.count <= count else { return nil }
        return withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { n -> Range<Int>? in
                let base = hay.baseAddress!, probe = Swift.min(n.count, Swift.max(1, probe))
                var from = 0
                while hay.count - from >= n.count, let hit = cb_memmem(base + from, hay.count - from, n.baseAddress!, probe) {
                    let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    if at + n.count > hay.count { return nil }
                    if memcmp(base + at, n.baseAddress!, n.count) == 0 { return at..<(at + n.count) }
                    from = at + 1
                }
                return nil
            }
        }
    }

    /// Where `needle` last occurs in these bytes (nil: nowhere, or `needle` is empty): `memrchr`
    /// finds its first byte from the end, and each candidate is compared whole (a byte loop over
    /// a page's tail was 2% of an uncached post page).
    func lastRange(ofBytes needle: [UInt8]) -> Range<Int>? {
        guard let first = needle.first, needle.count <= count else { return nil }
        return withUnsafeBufferPointer { hay -> Range<Int>? in
            var limit = hay.count - needle.count + 1   // candidates start below this
            while limit > 0, let hit = cb_memrchr(hay.baseAddress!, Int32(first), limit) {
                let at = hay.baseAddress!.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if hay[at..<(at + needle.count)].elementsEqual(needle) { return at..<(at + needle.count) }
                limit = at
            }
            return nil
        }
    }
}
