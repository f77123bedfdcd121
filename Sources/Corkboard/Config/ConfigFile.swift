import Foundation

/// The raw `key = value` pairs of the configuration file, with environment overrides applied.
///
/// Format: one `key = value` per line, `#` starts a comment line, blank lines are ignored,
/// values may be wrapped in double quotes. Every key can be overridden by the environment
/// variable `CORKBOARD_<KEY>` (upper-cased), so `db_primary` becomes `CORKBOARD_DB_PRIMARY`.
public struct ConfigFile: Sendable {
    public private(set) var values: [String: String]
    /// Where each value came from, for error messages ("file:12" or "env CORKBOARD_X").
    public private(set) var origins: [String: String]

    public init(values: [String: String] = [:]) {
        self.values = values
        self.origins = values.mapValues { _ in "built-in" }
    }

    /// Reads `path` (when given) and then the environment.
    public static func load(path: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ConfigFile {
        var file = ConfigFile()
        if let path {
            guard let data = FileManager.default.contents(atPath: path),
                  let text = String(data: data, encoding: .utf8) else {
                throw ConfigError(message: "cannot read configuration file \(path)")
            }
            try file.parse(text, source: path)
        }
        file.applyEnvironment(environment)
        return file
    }

    /// Parses configuration text; a line that is not `key = value` is an error naming the line.
    public mutating func parse(_ text: String, source: String) throws {
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let eq = line.firstIndex(of: "=") else {
                throw ConfigError(message: "\(source):\(index + 1): expected `key = value`")
            }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces).lowercased()
            var value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            }
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw ConfigError(message: "\(source):\(index + 1): invalid key `\(key)`")
            }
            values[key] = value
            origins[key] = "\(source):\(index + 1)"
        }
    }

    /// Applies `CORKBOARD_<KEY>` variables over the file's values.
    public mutating func applyEnvironment(_ environment: [String: String]) {
        for (name, value) in environment where name.hasPrefix("CORKBOARD_") {
            let key = String(name.dropFirst("CORKBOARD_".count)).lowercased()
            // Variables the pool sets for its own workers are not configuration.
            if ["config", "master_pid", "worker_slot"].contains(key) { continue }
            values[key] = value
            origins[key] = "env \(name)"
        }
    }

    public func string(_ key: String, default fallback: String) -> String {
        values[key] ?? fallback
    }

    public func optionalString(_ key: String) -> String? {
        guard let v = values[key], !v.isEmpty else { return nil }
        return v
    }

    public func int(_ key: String, default fallback: Int, range: ClosedRange<Int> = Int.min...Int.max) throws -> Int {
        guard let raw = values[key] else { return fallback }
        guard let v = Int(raw), range.contains(v) else {
            throw ConfigError(message: "\(origins[key] ?? key): `\(key)` must be an integer in \(range.lowerBound)...\(range.upperBound), got `\(raw)`")
        }
        return v
    }

    public func bool(_ key: String, default fallback: Bool) throws -> Bool {
        guard let raw = values[key]?.lowercased() else { return fallback }
        switch raw {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw ConfigError(message: "\(origins[key] ?? key): `\(key)` must be true or false, got `\(raw)`")
        }
    }

    func fail(_ key: String, _ problem: String) -> ConfigError {
        ConfigError(message: "\(origins[key] ?? key): `\(key)` \(problem)")
    }
}

/// A configuration problem, said in terms of the file and key an operator must fix.
public struct ConfigError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
