import Foundation
import Synchronization

/// The configuration file's `key = value` pairs and the environment's overrides of them.
///
/// Format: one `key = value` per line, `#` starts a comment line, blank lines are ignored,
/// values may be wrapped in double quotes. Every key can be overridden by the environment
/// variable `CORKBOARD_<KEY>` (upper-cased), so `db_primary` becomes `CORKBOARD_DB_PRIMARY`.
///
/// The known keys are exactly the keys the settings read (each read is recorded), so the list
/// cannot drift from the code: once `Config` has read everything, a key in the file that nobody
/// read is a typo and `rejectUnknownKeys()` refuses it, naming the file and line. The
/// environment is only ever asked for known keys, so other `CORKBOARD_*` variables (the pool's
/// own, a tool's) are not configuration and are no error.
public struct ConfigFile: Sendable {
    /// The file's values by key (last one wins).
    public private(set) var values: [String: String]
    /// Where each file value came from, for error messages ("file:12").
    public private(set) var origins: [String: String]
    /// `CORKBOARD_*` variables, consulted for the keys that are read.
    private var environment: [String: String] = [:]
    /// Every key read so far, by this value and its copies (the settings structs take copies).
    private let reads = ReadKeys()

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

    /// Keeps the `CORKBOARD_<KEY>` variables; each overrides the file's value of a key read.
    public mutating func applyEnvironment(_ environment: [String: String]) {
        for (name, value) in environment where name.hasPrefix(Self.prefix) {
            self.environment[name] = value
        }
    }

    static let prefix = "CORKBOARD_"

    /// The value of `key`, the environment's over the file's, and records that `key` is known.
    func value(_ key: String) -> String? {
        reads.insert(key)
        return environment[Self.prefix + key.uppercased()] ?? values[key]
    }

    /// Where `key`'s value came from: "env CORKBOARD_X", "file:12", or the key alone.
    func origin(_ key: String) -> String {
        let name = Self.prefix + key.uppercased()
        if environment[name] != nil { return "env \(name)" }
        return origins[key] ?? key
    }

    public func string(_ key: String, default fallback: String) -> String {
        value(key) ?? fallback
    }

    public func optionalString(_ key: String) -> String? {
        guard let v = value(key), !v.isEmpty else { return nil }
        return v
    }

    public func int(_ key: String, default fallback: Int, range: ClosedRange<Int> = Int.min...Int.max) throws -> Int {
        guard let raw = value(key) else { return fallback }
        guard let v = Int(raw), range.contains(v) else {
            throw fail(key, "must be an integer in \(range.lowerBound)...\(range.upperBound), got `\(raw)`")
        }
        return v
    }

    public func bool(_ key: String, default fallback: Bool) throws -> Bool {
        guard let raw = value(key)?.lowercased() else { return fallback }
        switch raw {
        case "1", "true", "yes", "on": return true
        case "0", "false", "no", "off": return false
        default: throw fail(key, "must be true or false, got `\(raw)`")
        }
    }

    /// A required secret of at least `minLength` characters: a signing key must be a setting,
    /// shared by every host, never derived from other settings that change for other reasons.
    public func secret(_ key: String, minLength: Int = 32) throws -> String {
        guard let raw = value(key), !raw.isEmpty else {
            throw ConfigError(message: "`\(key)` is not set: it must be a random secret of at least \(minLength) characters, "
                + "the same on every host (e.g. `openssl rand -hex 32`), in the file or \(Self.prefix)\(key.uppercased())")
        }
        guard raw.count >= minLength else {
            throw fail(key, "is \(raw.count) characters; a secret needs at least \(minLength) (e.g. `openssl rand -hex 32`)")
        }
        return raw
    }

    /// Names that go into file names and database rows (`pool_name`, `host_id`).
    static let shortNameRule = "1–32 of a-z, 0-9, - and _"

    static func isShortName(_ name: String) -> Bool {
        (1...32).contains(name.utf8.count)
            && name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
    }

    func fail(_ key: String, _ problem: String) -> ConfigError {
        ConfigError(message: "\(origin(key)): `\(key)` \(problem)")
    }

    /// The keys read so far: the known keys, once every setting has been read.
    var knownKeys: Set<String> { reads.keys }

    /// Refuses every key of the file that no setting read (a typo such as `worker = 8`), naming
    /// its file and line and the known key it is closest to. Call it after reading everything.
    public func rejectUnknownKeys() throws {
        let known = knownKeys
        let unknown = values.keys.filter { !known.contains($0) }
            .sorted { (Self.line(origins[$0]), $0) < (Self.line(origins[$1]), $1) }
        guard !unknown.isEmpty else { return }
        let lines = unknown.map { key in
            let hint = Spelling.closest(to: key, among: known.sorted()).map { "; did you mean `\($0)`?" } ?? ""
            return "\(origins[key] ?? key): unknown key `\(key)`\(hint)"
        }
        throw ConfigError(message: lines.joined(separator: "\n"))
    }

    private static func line(_ origin: String?) -> Int {
        origin.flatMap { $0.split(separator: ":").last }.flatMap { Int($0) } ?? 0
    }
}

/// The keys a `ConfigFile` was asked for, shared by its copies.
private final class ReadKeys: Sendable {
    private let storage = Mutex<Set<String>>([])
    func insert(_ key: String) { _ = storage.withLock { $0.insert(key) } }
    var keys: Set<String> { storage.withLock { $0 } }
}

/// A configuration problem, said in terms of the file and key an operator must fix.
public struct ConfigError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
