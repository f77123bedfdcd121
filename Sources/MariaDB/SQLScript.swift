/// Splits SQL script text into statements, for messages ("statement 3: CREATE TABLE ...").
/// Knows quotes ('', "", ``), comments (--, #, /* */) and `;` separators; not DELIMITER.
public enum SQLScript {
    /// The statements of a script, trimmed, without empty ones or pure comments.
    public static func statements(in text: String) -> [String] {
        var out: [String] = []
        var current = ""
        var hasCode = false
        var it = Array(text.unicodeScalars)[...]
        func flush() {
            let t = current.trimmingWhitespace()
            if hasCode && !t.isEmpty { out.append(t) }
            current = ""
            hasCode = false
        }
        while let c = it.popFirst() {
            switch c {
            case "'", "\"", "`":
                current.unicodeScalars.append(c)
                hasCode = true
                while let d = it.popFirst() {
                    current.unicodeScalars.append(d)
                    if d == "\\" && c != "`", let e = it.popFirst() {
                        current.unicodeScalars.append(e)
                    } else if d == c {
                        if it.first == c { current.unicodeScalars.append(it.removeFirst()) } else { break }
                    }
                }
            case "-" where it.first == "-", "#":
                while let d = it.popFirst(), d != "\n" {}
                current += "\n"
            case "/" where it.first == "*":
                it.removeFirst()
                var prev: Unicode.Scalar = " "
                while let d = it.popFirst() {
                    if prev == "*" && d == "/" { break }
                    prev = d
                }
                current += " "
            case ";":
                flush()
            default:
                current.unicodeScalars.append(c)
                if !c.properties.isWhitespace { hasCode = true }
            }
        }
        flush()
        return out
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let s = unicodeScalars
        guard let a = s.firstIndex(where: { !$0.properties.isWhitespace }),
              let b = s.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(s[a...b])
    }
}
