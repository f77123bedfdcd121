/// Parses a Content-Disposition value such as `form-data; name="photo"; filename="a.jpg"`:
/// quoted strings may hold `;` and backslash escapes.
enum MultipartDisposition {
    static func parse(_ value: String) -> (type: String, values: [String: String]) {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        for ch in value {
            if escaped { current.append(ch); escaped = false; continue }
            if quoted && ch == "\\" { escaped = true; continue }
            if ch == "\"" { quoted.toggle(); current.append(ch); continue }
            if ch == ";" && !quoted { fields.append(current); current = ""; continue }
            current.append(ch)
        }
        fields.append(current)
        let type = fields.first.map { $0.trimmingSpaces.lowercased() } ?? ""
        var values: [String: String] = [:]
        for field in fields.dropFirst() {
            guard let eq = field.firstIndex(of: "=") else { continue }
            let key = field[..<eq].trimmingSpaces.lowercased()
            var v = field[field.index(after: eq)...].trimmingSpaces
            if v.count >= 2, v.hasPrefix("\""), v.hasSuffix("\"") { v = String(v.dropFirst().dropLast()) }
            if values[key] == nil { values[key] = v }
        }
        return (type, values)
    }
}
