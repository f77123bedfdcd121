import Foundation

/// Turns post text and queries into the same index terms, so what is indexed and what is asked
/// for always agree: lower case, accents and widths folded ("Café" = "cafe"), words split on
/// anything that is not a letter or digit, every word kept however short ("tv", "ps5"), and
/// Korean, Chinese and Japanese runs cut into overlapping 2-character pieces (plus single
/// characters) because MariaDB has no n-gram parser and such text has no spaces between words.
public enum SearchText {
    /// Longest word kept, in characters; longer words are cut (the same way at query time).
    public static let maxWordLength = 32
    /// Most distinct terms one post adds to the index.
    public static let maxTermsPerPost = 400

    /// Words too common to narrow a search; they are neither indexed nor searched for.
    public static let stopwords: Set<String> = [
        "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "is", "it",
        "its", "of", "on", "or", "that", "the", "this", "to", "was", "were", "will", "with",
    ]

    /// One piece of normalized text: a word of letters and digits, or a run of CJK characters.
    public struct Piece: Equatable, Sendable {
        public var text: String
        public var isCJK: Bool
    }

    /// Lower case, no accents, half-width; composed again so Hangul stays whole syllables.
    public static func fold(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.lowercased() }
        return text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
            .precomposedStringWithCanonicalMapping.lowercased()
    }

    /// Whether a scalar belongs to a script written without spaces between words.
    public static func isCJK(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x1100...0x11FF, 0x3130...0x318F, 0xAC00...0xD7AF: return true  // Hangul
        case 0x3040...0x309F, 0x30A0...0x30FF, 0x31F0...0x31FF: return true  // kana
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x2FA1F: return true  // Han
        default: return false
        }
    }

    static func isWordScalar(_ s: Unicode.Scalar) -> Bool {
        if s.value < 0x80 {
            return (0x30...0x39).contains(s.value) || (0x61...0x7A).contains(s.value) || (0x41...0x5A).contains(s.value)
        }
        return s.properties.isAlphabetic || s.properties.numericType != nil
    }

    /// The pieces of `text` in order (after folding).
    public static func pieces(_ text: String) -> [Piece] {
        var out: [Piece] = []
        var current = String.UnicodeScalarView()
        var currentCJK = false
        func flush() {
            if !current.isEmpty {
                var word = String(current)
                if !currentCJK, word.count > maxWordLength { word = String(word.prefix(maxWordLength)) }
                out.append(Piece(text: word, isCJK: currentCJK))
                current = String.UnicodeScalarView()
            }
        }
        for s in fold(text).unicodeScalars {
            if isCJK(s) {
                if !currentCJK { flush() }
                currentCJK = true
                current.append(s)
            } else if isWordScalar(s) {
                if currentCJK { flush() }
                currentCJK = false
                current.append(s)
            } else {
                flush()
                currentCJK = false
            }
        }
        flush()
        return out
    }

    /// The normalized form stored for phrase checks: pieces joined by single spaces.
    public static func normalized(_ text: String) -> String {
        pieces(text).map(\.text).joined(separator: " ")
    }

    /// Index terms of one piece: the word itself (unless a stopword), or for a CJK run every
    /// single character and every overlapping pair.
    public static func terms(of piece: Piece) -> [String] {
        if !piece.isCJK { return stopwords.contains(piece.text) ? [] : [piece.text] }
        let chars = Array(piece.text)
        var out = chars.map { String($0) }
        if chars.count > 1 {
            for i in 0..<(chars.count - 1) { out.append(String(chars[i...i + 1])) }
        }
        return out
    }

    /// The terms a query word must match: the word, or a CJK run's pairs (a single character
    /// when the run is one character long).
    public static func queryTerms(of piece: Piece) -> [String] {
        if !piece.isCJK { return stopwords.contains(piece.text) ? [] : [piece.text] }
        let chars = Array(piece.text)
        if chars.count == 1 { return [piece.text] }
        return (0..<(chars.count - 1)).map { String(chars[$0...$0 + 1]) }
    }

    /// Distinct index terms of a whole text.
    public static func termSet(_ text: String) -> Set<String> {
        var set = Set<String>()
        for piece in pieces(text) {
            for term in terms(of: piece) { set.insert(term) }
        }
        return set
    }

    /// A term's key in `search_terms.term`: 64-bit FNV-1a of its UTF-8 bytes. A collision can
    /// only add a false match, which the phrase check or the reader's eye tolerates; at a few
    /// million distinct terms the chance is about 1 in 10^6.
    public static func hash(_ term: String) -> Int64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in term.utf8 {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01B3
        }
        return Int64(bitPattern: h)
    }
}
