import Foundation
import Testing
@testable import Corkboard

@Suite struct AccountsTests {
    @Test func tokensAre256BitsAndStoredAsSHA256() {
        let a = Crypto.token(), b = Crypto.token()
        #expect(a != b)
        #expect(a.utf8.count == 43 && Base64URL.decode(a)?.count == 32)
        #expect(SessionCookie.isWellFormed(a))
        #expect(!SessionCookie.isWellFormed(a + "x"))
        #expect(!SessionCookie.isWellFormed(String(a.dropLast()) + "!"))
        // SHA-256("abc"), FIPS 180-2 test vector.
        let abc = Crypto.sha256(Array("abc".utf8)).map { String(format: "%02x", $0) }.joined()
        #expect(abc == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Crypto.tokenHash(a) == Crypto.sha256(Array(a.utf8)))
    }

    @Test func base64URLIsFoundationsBase64InTheURLAlphabetWithoutPadding() {
        #expect(Base64URL.encode([]) == "")
        #expect(Base64URL.encode(Array("f".utf8)) == "Zg" && Base64URL.encode(Array("fo".utf8)) == "Zm8")
        #expect(Base64URL.encode(Array("foo".utf8)) == "Zm9v" && Base64URL.encode([0xfb, 0xff]) == "-_8")
        for length in 0..<40 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255) }
            let foundation = Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
            #expect(Base64URL.encode(bytes) == foundation)
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
        }
        // Only the spelling `encode` writes decodes: no unused bits set, no lone last character,
        // nothing outside the alphabet (padding included).
        #expect(Base64URL.decode("AA") == [0] && Base64URL.decode("AB") == nil && Base64URL.decode("A") == nil)
        #expect(Base64URL.decode("Zg") == Array("f".utf8) && Base64URL.decode("Zh") == nil && Base64URL.decode("Zg==") == nil)
        #expect(Base64URL.decode("-_8") == [0xfb, 0xff] && Base64URL.decode("+/8") == nil && Base64URL.decode("") == [])
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        for _ in 0..<300 {
            let text = String((0..<Int.random(in: 0...9)).map { _ in alphabet.randomElement()! })
            var padded = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            while padded.utf8.count % 4 != 0 { padded += "=" }
            let foundation = Data(base64Encoded: padded).map { Array($0) }.flatMap { Base64URL.encode($0) == text ? $0 : nil }
            #expect(Base64URL.decode(text) == foundation, "\(text)")
        }
    }

    /// Limits count characters as the OpenAPI document (JSON Schema `maxLength`) and MariaDB do:
    /// Unicode scalars. Counted as grapheme clusters, 64 "e" + combining accent (128 scalars)
    /// passed a 64-character limit.
    @Test func fieldLengthsCountUnicodeScalars() throws {
        let accented = String(repeating: "e\u{301}", count: 64)
        #expect(accented.count == 64 && accented.unicodeScalars.count == 128)
        let input = AccountInput(values: ["token": accented, "short": String(repeating: "e\u{301}", count: 32)], form: nil)
        #expect(throws: HTTPError.self) { try input.string("token", label: "Token", maxLength: 64) }
        #expect(try input.string("short", label: "Short", maxLength: 64).unicodeScalars.count == 64)
    }

    @Test func constantTimeEqual() {
        #expect(Crypto.constantTimeEqual([1, 2, 3], [1, 2, 3]))
        #expect(!Crypto.constantTimeEqual([1, 2, 3], [1, 2, 4]))
        #expect(!Crypto.constantTimeEqual([1, 2, 3], [1, 2]))
    }

    @Test func cookieAttributes() {
        let set = SessionCookie.set("tok", maxAge: 60)
        #expect(set.hasPrefix("__Host-session=tok;"))
        for attr in ["Path=/", "Secure", "HttpOnly", "SameSite=Lax", "Max-Age=60"] { #expect(set.contains(attr)) }
        #expect(!set.contains("Domain"))
        #expect(SessionCookie.clear().contains("Max-Age=0"))
        #expect(SessionCookie.setCSRF("v").hasPrefix("__Host-csrf=v;") && SessionCookie.setCSRF("v").contains("Secure"))
    }

    @Test func csrfTokensAreBoundToTheirSecret() {
        let secret = Crypto.randomBytes(32)
        let token = CSRFToken.forSession(key: HMACSHA256(key: secret))
        #expect(CSRFToken.matches(token, expected: CSRFToken.forSession(key: HMACSHA256(key: secret))))
        #expect(!CSRFToken.matches(token, expected: CSRFToken.forSession(key: HMACSHA256(key: Crypto.randomBytes(32)))))
        #expect(!CSRFToken.matches("", expected: token))
        #expect(!CSRFToken.matches("not base64!", expected: token))
        let key = Crypto.randomBytes(32)
        let anon = CSRFToken.forAnonymous(siteKey: key, cookie: "cookie-a")
        #expect(CSRFToken.matches(anon, expected: CSRFToken.forAnonymous(siteKey: key, cookie: "cookie-a")))
        #expect(!CSRFToken.matches(anon, expected: CSRFToken.forAnonymous(siteKey: key, cookie: "cookie-b")))
    }

    @Test func crossSiteSignals() {
        let site = "https://corkboard.example"
        #expect(!CSRFToken.isCrossSite(origin: nil, secFetchSite: nil, siteURL: site))
        #expect(!CSRFToken.isCrossSite(origin: "https://corkboard.example", secFetchSite: "same-origin", siteURL: site))
        #expect(!CSRFToken.isCrossSite(origin: "https://CORKBOARD.example:443", secFetchSite: nil, siteURL: site + "/"))
        #expect(CSRFToken.isCrossSite(origin: "https://evil.example", secFetchSite: nil, siteURL: site))
        #expect(CSRFToken.isCrossSite(origin: "null", secFetchSite: nil, siteURL: site))
        #expect(CSRFToken.isCrossSite(origin: nil, secFetchSite: "cross-site", siteURL: site))
        #expect(CSRFToken.isCrossSite(origin: "https://corkboard.example:8443", secFetchSite: nil, siteURL: site))
    }

    @Test func passwordPolicy() {
        let policy = PasswordPolicy(minLength: 12, common: ["password1234"])
        #expect(policy.problem(with: "short") != nil)
        #expect(policy.problem(with: "Password1234")?.contains("common") == true)
        #expect(policy.problem(with: "aaaaaaaaaaaaaa")?.contains("repeats") == true)
        #expect(policy.problem(with: "someone@example.org", email: "someone@example.org") != nil)
        #expect(policy.problem(with: String(repeating: "ab3", count: 100)) != nil)
        #expect(policy.problem(with: "correct horse battery") == nil)
        #expect(PasswordPolicy.builtIn.allSatisfy { $0.count >= 12 })
    }

    @Test func emailAddresses() {
        #expect(EmailAddress.normalize("  a@b.example ") == "a@b.example")
        for bad in ["", "a", "a@b", "@b.example", "a@@b.example", "a b@c.example", "a@b..example", "a@.b.example",
                    "a<x>@b.example", "a@b.example.", String(repeating: "a", count: 65) + "@b.example", "a\u{FFFD}@b.example"] {
            #expect(EmailAddress.normalize(bad) == nil, "\(bad)")
        }
    }

    @Test func argon2idHashesVerifyAndKnowTheirParameters() throws {
        let hasher = PasswordHasher(memoryKiB: 8192, iterations: 1, parallelism: 1)
        let hash = try hasher.hash("correct horse battery")
        #expect(hash.hasPrefix("$argon2id$v=19$m=8192,t=1,p=1$"))
        #expect(hasher.verify("correct horse battery", against: hash))
        #expect(!hasher.verify("correct horse batterY", against: hash))
        #expect(!hasher.verify("x", against: "not a hash"))
        #expect(try hasher.hash("correct horse battery") != hash)   // a fresh salt each time
        #expect(!hasher.needsRehash(hash))
        #expect(PasswordHasher(memoryKiB: 19456, iterations: 2, parallelism: 1).needsRehash(hash))
    }

    @Test func safeNextOnlyFollowsLocalPaths() {
        #expect(AccountForm.safeNext("/account") == "/account")
        #expect(AccountForm.safeNext("/seoul?x=1") == "/seoul?x=1")
        for bad in ["//evil.example", "https://evil.example", "/\\evil.example", "", nil, "/a b"] {
            #expect(AccountForm.safeNext(bad) == "/account")
        }
    }

    @Test func configDefaultsFollowOWASP() throws {
        let config = try AccountsConfig(file: ConfigFile())
        #expect(config.argon2MemoryKiB >= 19_456 && config.argon2Iterations >= 2)
        #expect(config.resetTokenLifetime == 3600)
        #expect(config.passwordMinLength == 12)
    }
}
