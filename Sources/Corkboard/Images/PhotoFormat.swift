/// The photo formats Corkboard accepts, recognised by their magic bytes. The name and the
/// declared type of an upload are never trusted; the bytes pick the one loader that may try
/// them, and the decode itself is the real check.
public enum PhotoFormat: Int32, Sendable {
    case jpeg = 1
    case png = 2
    case webp = 3

    /// The format whose signature `bytes` start with, or nil (SVG, PDF, text, anything else).
    public static func sniff(_ bytes: [UInt8]) -> PhotoFormat? {
        if bytes.count >= 3, bytes[0] == 0xFF, bytes[1] == 0xD8, bytes[2] == 0xFF { return .jpeg }
        if bytes.count >= 8, bytes[0..<8].elementsEqual([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if bytes.count >= 12, bytes[0..<4].elementsEqual(Array("RIFF".utf8)),
           bytes[8..<12].elementsEqual(Array("WEBP".utf8)) { return .webp }
        return nil
    }
}
