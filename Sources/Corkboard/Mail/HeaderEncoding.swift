import Foundation

/// Header text that cannot be split by user data: line breaks and other control characters
/// become spaces, and text that is not short printable ASCII becomes RFC 2047 encoded-words
/// (`=?UTF-8?B?…?=`), folded onto continuation lines.
enum HeaderEncoding {
    /// Control characters (CR, LF, TAB, NUL…) replaced by spaces, runs of spaces kept as they are.
    static func singleLine(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map {
            $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}" ? " " : $0
        })).trimmingCharacters(in: .whitespaces)
    }

    /// An unstructured header value (Subject): as is when it is printable ASCII and the line
    /// stays within 78 characters, else encoded-words joined by folding whitespace.
    static func unstructured(_ text: String, nameLength: Int) -> String {
        let clean = singleLine(text)
        let plain = clean.unicodeScalars.allSatisfy { $0.isASCII }
        // "=?" in plain text would be read as the start of an encoded-word: encode that too.
        if plain, nameLength + 2 + clean.utf8.count <= 78, !clean.contains("=?") { return clean }
        return encodedWords(clean, firstLineRoom: 75 - nameLength - 2).joined(separator: "\r\n ")
    }

    /// Base64 encoded-words of at most 75 characters each (the first within `firstLineRoom`),
    /// never splitting a UTF-8 character between words.
    static func encodedWords(_ text: String, firstLineRoom: Int) -> [String] {
        let overhead = "=?UTF-8?B??=".count
        var words: [String] = []
        var chunk: [UInt8] = []
        func room() -> Int { (words.isEmpty ? max(firstLineRoom, 20) : 75) - overhead }
        func flush() {
            words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
            chunk = []
        }
        for character in text {
            let bytes = Array(String(character).utf8)
            // Base64 of n bytes is 4·⌈n/3⌉ characters.
            if !chunk.isEmpty, (chunk.count + bytes.count + 2) / 3 * 4 > room() { flush() }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { flush() }
        return words
    }
}
