import CSupport

extension Array where Element == UInt8 {
    /// Where `needle` first occurs in these bytes (nil: nowhere, or `needle` is empty), found by
    /// glibc's `memmem`. Foundation's `firstRange(of:)`, which a byte array gets as a
    /// `DataProtocol`, runs unspecialized here, a witness call per byte compared: finding an
    /// article in its page that way was a tenth of a worker's time under the mixed load.
    func firstRange(ofBytes needle: [UInt8]) -> Range<Int>? {
        guard !needle.isEmpty, needle.count <= count else { return nil }
        return withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { n in
                cb_memmem(hay.baseAddress!, hay.count, n.baseAddress!, n.count).map {
                    let at = hay.baseAddress!.distance(to: $0.assumingMemoryBound(to: UInt8.self))
                    return at..<(at + n.count)
                }
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
