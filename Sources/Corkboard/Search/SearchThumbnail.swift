/// Where nginx serves a thumbnail: content-addressed files under images_root, fanned out by the
/// first two hex digits (the posts feature's layout), e.g. /images/ab/abcdef….jpg.
public enum SearchThumbnail {
    public static func path(_ sha256: [UInt8]) -> String {
        let hex = sha256.map { byte in
            let s = String(byte, radix: 16)
            return byte < 16 ? "0" + s : s
        }.joined()
        return "/images/\(hex.prefix(2))/\(hex).jpg"
    }
}
