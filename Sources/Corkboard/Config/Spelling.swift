/// "Did you mean …?" for names: a configuration key or a JSON field that is not known.
enum Spelling {
    /// The candidate closest to `word` (case aside) when it is a plausible typo: at most two
    /// edits, and fewer than half the word's length; nil otherwise.
    static func closest(to word: String, among candidates: some Sequence<String>) -> String? {
        let target = Array(word.lowercased())
        var best: (name: String, distance: Int)?
        for name in candidates {
            let d = distance(target, Array(name.lowercased()))
            if d <= 2, d * 2 < max(target.count, 2), d < best?.distance ?? .max { best = (name, d) }
        }
        return best?.name
    }

    /// Levenshtein distance (insertions, deletions and substitutions each cost one).
    static func distance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        for (i, ca) in a.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: b.count)
            for (j, cb) in b.enumerated() {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (ca == cb ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
