/// Why a post is hidden from viewers (`posts.hidden_reason`). Only `reports` can be undone by
/// a moderator's restore; `banned` follows the poster's ban; `removed` is final (the post is
/// also deleted).
public enum HiddenReason: String, Sendable, Codable {
    case reports, banned, removed

    /// What viewers other than the poster and moderators are told (with a 410).
    var viewerMessage: String {
        switch self {
        case .reports: return "This post was removed after reports."
        case .banned: return "This post is no longer available."
        case .removed: return "This post was removed by a moderator."
        }
    }

    /// What the poster is told on their hidden post's page.
    var posterMessage: String {
        switch self {
        case .reports: return "Viewers reported this post, and it is hidden from everyone else until a moderator reviews it. You may edit or delete it, and ask once for a review."
        case .banned: return "This account is suspended: its posts are hidden."
        case .removed: return "A moderator removed this post."
        }
    }
}
