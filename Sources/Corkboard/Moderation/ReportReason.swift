/// The fixed list of reasons a viewer may give (`post_reports.reason`); `other` needs a text.
enum ReportReason: String, CaseIterable, Sendable {
    case prohibited, spam, wrongCategory = "wrong_category", scam, other

    /// How the form and the moderation queue name it.
    var label: String {
        switch self {
        case .prohibited: return "Prohibited item"
        case .spam: return "Spam or overposting"
        case .wrongCategory: return "Wrong category"
        case .scam: return "Scam or fraud"
        case .other: return "Other"
        }
    }

    /// Longest text a report may carry, in characters.
    static let maxDetails = 500

    /// Reads `reason` and `details` from the report's input: 400 naming the field for an
    /// unknown reason, a missing text for `other`, or a text over 500 characters.
    static func read(_ input: AccountInput) throws -> (ReportReason, String?) {
        let raw = input.raw("reason") ?? ""
        guard let reason = ReportReason(rawValue: raw) else {
            let known = allCases.map(\.rawValue).joined(separator: ", ")
            throw HTTPError.badRequest(raw.isEmpty ? "Choose a reason for the report (one of \(known))."
                                                    : "Unknown reason; choose one of \(known).", field: "reason")
        }
        let text = (input.raw("details") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty {
            if reason == .other { throw HTTPError.badRequest("Say what is wrong with the post (up to 500 characters).", field: "details") }
            return (reason, nil)
        }
        return (reason, try input.string("details", label: "The report's text", maxLength: maxDetails)
            .trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
