/// Writes the Prometheus text exposition format (version 0.0.4): one `# HELP` and `# TYPE`
/// per family, then its samples, label values escaped.
struct PrometheusText {
    private(set) var text = ""
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Starts a family (`type`: counter, gauge, histogram).
    mutating func family(_ name: String, _ type: String, _ help: String) {
        text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }

    mutating func sample(_ name: String, _ labels: [(String, String)] = [], _ value: Double) {
        text += name
        if !labels.isEmpty {
            text += "{" + labels.map { "\($0.0)=\"\(Self.escape($0.1))\"" }.joined(separator: ",") + "}"
        }
        text += " " + Self.format(value) + "\n"
    }

    mutating func sample(_ name: String, _ labels: [(String, String)] = [], _ value: UInt64) {
        sample(name, labels, Double(value))
    }

    mutating func sample(_ name: String, _ value: Double) { sample(name, [], value) }
    mutating func sample(_ name: String, _ value: UInt64) { sample(name, [], Double(value)) }

    /// A histogram's samples from non-cumulative bucket counts (the last one is +Inf).
    mutating func histogram(_ name: String, _ labels: [(String, String)] = [], bounds: [Double], counts: [UInt64], sum: Double) {
        var running: UInt64 = 0
        for (i, count) in counts.enumerated() {
            running &+= count
            let le = i < bounds.count ? Self.format(bounds[i]) : "+Inf"
            sample(name + "_bucket", labels + [("le", le)], running)
        }
        sample(name + "_sum", labels, sum)
        sample(name + "_count", labels, running)
    }

    /// A value for inside double quotes (a label here, a logfmt value in `RequestLog`): `\`,
    /// `"` and newline escaped, other control characters replaced by `?`.
    static func escape(_ value: String) -> String {
        var out = ""
        for c in value.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: if c.value < 0x20 || c.value == 0x7f { out += "?" } else { out.unicodeScalars.append(c) }
            }
        }
        return out
    }

    static func format(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return "\(v)"
    }
}
