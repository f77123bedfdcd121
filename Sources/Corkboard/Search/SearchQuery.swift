/// A parsed text query. The language (README, "Search"): words are all required; `"a phrase"`
/// must appear as written (word order and adjacency, accents and case ignored); `-word` and
/// `-"a phrase"` exclude; CJK text matches inside words. Queries are cut to `maxLength`
/// characters, and to `maxTerms` required and `maxExcluded` excluded items.
public struct SearchQuery: Equatable, Sendable {
    /// Longest query read, in characters; the rest is ignored.
    public static let maxLength = 200
    /// Most required terms (after CJK words are cut into pairs).
    public static let maxTerms = 8
    /// Most excluded words or phrases.
    public static let maxExcluded = 8

    /// Index terms every match must have.
    public var required: [String] = []
    /// Normalized phrases every match must contain (multi-word items and longer CJK runs).
    public var phrases: [String] = []
    /// Single terms no match may have.
    public var excludedTerms: [String] = []
    /// Normalized phrases no match may contain.
    public var excludedPhrases: [String] = []
    /// True when the text had something in it but nothing searchable (only operators or
    /// stopwords): the answer is empty rather than every post.
    public var matchesNothing = false

    /// The required terms a phrase check already covers: a post that contains a phrase has
    /// each of its words (or CJK pairs) as index terms too. Kept while parsing (cutting a
    /// normalized phrase again folds CJK text again: 26,000 instructions for a Korean word).
    public private(set) var termsInPhrases: Set<String> = []

    /// No text at all: a plain browse.
    public var isEmpty: Bool { required.isEmpty && phrases.isEmpty && excludedTerms.isEmpty && excludedPhrases.isEmpty && !matchesNothing }

    public init() {}

    /// Parses the raw `q` parameter (already cut to `maxLength` by the caller or here).
    public init(parsing raw: String) {
        let text = String(raw.prefix(Self.maxLength))
        var items: [(negated: Bool, text: String)] = []
        var chars = Array(text)[...]
        while let c = chars.first {
            if c.isWhitespace { chars.removeFirst(); continue }
            var negated = false
            if c == "-" {
                negated = true
                chars.removeFirst()
            }
            if chars.first == "\"" {
                chars.removeFirst()
                let body = chars.prefix { $0 != "\"" }
                chars.removeFirst(body.count)
                if chars.first == "\"" { chars.removeFirst() }
                items.append((negated, String(body)))
            } else {
                let body = chars.prefix { !$0.isWhitespace && $0 != "\"" }
                chars.removeFirst(body.count)
                items.append((negated, String(body)))
            }
        }
        var sawText = false
        for item in items {
            let pieces = SearchText.pieces(item.text)
            if pieces.isEmpty { continue }
            sawText = true
            let normalized = pieces.map(\.text).joined(separator: " ")
            let terms = pieces.flatMap { SearchText.queryTerms(of: $0) }
            if item.negated {
                guard excludedTerms.count + excludedPhrases.count < Self.maxExcluded else { continue }
                if pieces.count == 1, !pieces[0].isCJK {
                    if let t = terms.first { excludedTerms.append(t) }
                } else {
                    excludedPhrases.append(normalized)
                }
                continue
            }
            var added = false
            for t in terms where !required.contains(t) && required.count < Self.maxTerms {
                required.append(t)
                added = true
            }
            // Several words in quotes or joined by punctuation ("e-bike"), or a CJK run longer
            // than one pair: the terms alone do not say the words are adjacent.
            let needsPhrase = pieces.count > 1 || (pieces[0].isCJK && pieces[0].text.count > 2)
            if needsPhrase, added || terms.isEmpty, !phrases.contains(normalized) {
                phrases.append(normalized)
                termsInPhrases.formUnion(terms)
            }
        }
        if required.isEmpty {
            // Nothing required: exclusions alone narrow a browse; only operators or stopwords
            // match nothing.
            phrases = []
            termsInPhrases = []
            if excludedTerms.isEmpty && excludedPhrases.isEmpty { matchesNothing = sawText || !items.isEmpty }
        }
    }
}
