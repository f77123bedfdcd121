import FastCGI

/// The fields of an accounts request, from a JSON object (`/api/…`, decoded as a `StringBody`)
/// or an urlencoded form (the pages), read with the configured body cap. Every problem is a 400
/// naming the field.
struct AccountInput {
    /// The strings sent, by field name.
    private var values: [String: String]
    /// The form as sent, for the CSRF check (nil for JSON).
    let form: [(String, String)]?

    init(values: [String: String], form: [(String, String)]?) {
        self.values = values
        self.form = form
    }

    /// Reads the body: on /api/ a JSON object taking only the fields `Keys` names (decoded as a
    /// `StringBody<Keys>`), elsewhere an urlencoded form; with the configured body cap.
    static func read<Keys: CodingKey & CaseIterable>(_ context: RequestContext, takes keys: Keys.Type) throws -> AccountInput {
        try read(context) { try StringBody<Keys>.decode(json: $0).values }
    }

    /// Reads the body: JSON decoded by `json` on /api/, else an urlencoded form (the pages, which
    /// take no JSON).
    static func read(_ context: RequestContext,
                     json: ([UInt8]) throws -> [String: String] = { _ in throw HTTPError(415, "Send the form as application/x-www-form-urlencoded.") }) throws -> AccountInput {
        let bytes = try context.request.body.readAll(limit: context.app.config.bodyLimit)
        if context.wantsJSON {
            if bytes.isEmpty { return AccountInput(values: [:], form: nil) }
            return AccountInput(values: try json(bytes), form: nil)
        }
        let pairs = FastCGIRequest.parseFormURLEncoded(bytes)
        var values: [String: String] = [:]
        for (name, value) in pairs where values[name] == nil { values[name] = value }
        return AccountInput(values: values, form: pairs)
    }

    /// A required string field of at most `maxLength` characters.
    func string(_ name: String, label: String, maxLength: Int) throws -> String {
        guard let text = values[name] else { throw HTTPError.badRequest("\(label) is required.", field: name) }
        if text.contains("\u{FFFD}") {
            throw HTTPError.badRequest("\(label) is not valid UTF-8 text.", field: name)
        }
        if text.unicodeScalars.contains(where: { $0.value == 0 }) {
            throw HTTPError.badRequest("\(label) must not contain NUL characters.", field: name)
        }
        if text.isEmpty { throw HTTPError.badRequest("\(label) is required.", field: name) }
        // Characters as the document and MariaDB count them (Unicode scalars), not grapheme
        // clusters: "e" plus a combining accent is two.
        if text.unicodeScalars.count > maxLength {
            throw HTTPError.badRequest("\(label) is too long (at most \(maxLength) characters).", field: name)
        }
        return text
    }

    /// A required email address field, normalised.
    func email(_ name: String = "email", label: String = "Email") throws -> String {
        let text = try string(name, label: label, maxLength: EmailAddress.maxLength)
        guard let email = EmailAddress.normalize(text) else {
            throw HTTPError.badRequest("\(label) is not a valid email address.", field: name)
        }
        return email
    }

    /// A required password field (length is checked by the policy where a new one is set).
    func password(_ name: String = "password", label: String = "Password") throws -> String {
        try string(name, label: label, maxLength: PasswordPolicy.maxLength)
    }

    /// An optional string, as sent (forms: refilling fields after an error).
    func raw(_ name: String) -> String? { values[name] }
}
