import Foundation

/// Which passwords are accepted: long enough (NIST SP 800-63B: length beats composition rules),
/// not absurdly long (the KDF would still cope, but there is no use for it), and not on the
/// common-password list. Messages name the field and say how to fix it.
public struct PasswordPolicy: Sendable {
    public var minLength: Int
    public static let maxLength = 256
    public var common: Set<String>

    public init(minLength: Int, common: Set<String>) {
        self.minLength = minLength
        self.common = common
    }

    /// A handful that must be refused even if the list file went missing.
    static let builtIn: Set<String> = [
        "password1234", "password12345", "password123456", "123456789012", "1234567890123",
        "qwertyuiopas", "qwerty123456", "iloveyou1234", "letmein12345", "welcome12345",
        "passwordpassword", "aaaaaaaaaaaa", "abcdefghijkl", "abc123456789", "111111111111",
        "000000000000", "123123123123", "qwertyqwerty", "adminadmin123", "corkboard123",
    ]

    /// Nil when acceptable, else the problem in words.
    public func problem(with password: String, email: String? = nil) -> String? {
        let length = password.count
        if length < minLength { return "The password must be at least \(minLength) characters long." }
        if length > Self.maxLength { return "The password must be at most \(Self.maxLength) characters long." }
        let lower = password.lowercased()
        if common.contains(lower) { return "This password is too common; choose a less guessable one (a few unrelated words work well)." }
        if Set(lower).count <= 2 { return "This password repeats one or two characters; choose a less guessable one." }
        if let email, lower == email.lowercased() || lower == email.lowercased().split(separator: "@").first.map(String.init) {
            return "The password must not be your email address."
        }
        return nil
    }
}

/// Email addresses as accepted at sign-up: one `@`, a non-empty local part, a domain with a dot
/// and no spaces or control characters, at most 254 bytes. Deliverability is proven by the
/// verification mail, not by a cleverer pattern.
public enum EmailAddress {
    public static let maxLength = 254

    /// The address trimmed, or nil when it is not one.
    public static func normalize(_ raw: String) -> String? {
        let s = raw.trimmingCharacters(in: .whitespaces)
        guard !s.isEmpty, s.utf8.count <= maxLength else { return nil }
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].utf8.count <= 64 else { return nil }
        let domain = parts[1]
        guard domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix("."), !domain.contains("..") else { return nil }
        for scalar in s.unicodeScalars {
            if scalar.value <= 0x20 || scalar.value == 0x7F || "<>()[]\\,;:\"".unicodeScalars.contains(scalar) { return nil }
            if scalar == "\u{FFFD}" { return nil }
        }
        return s
    }
}
