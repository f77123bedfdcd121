/// The fields of `POST /api/posts/{id}/report` (`StringBody` keys): a `reason` of
/// `ReportReason` and an optional `details` text.
enum ReportFields: CodingKey, CaseIterable {
    case reason, details
}

/// The field of `POST /api/posts/{id}/review`: the poster's `note` to the moderators.
enum ReviewFields: CodingKey, CaseIterable {
    case note
}

/// The field of `POST /api/moderation/posts/{id}/{restore|remove|ban}`: the `reason`, recorded.
enum ModerationActionFields: CodingKey, CaseIterable {
    case reason
}
