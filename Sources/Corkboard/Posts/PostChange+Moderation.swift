import Foundation
import MariaDB

/// Moderation's changes of what viewers see, made inside `PostVisibility.change` so the search
/// index, every worker's cache and the photos follow: hide (reports, a ban), restore and remove.
extension PostChange {
    /// Hides posts from viewers; the poster and moderators still open them. Deleted posts are
    /// left alone; an already hidden one keeps when it was hidden and takes the new reason.
    public mutating func hide(posts ids: [Int64], reason: HiddenReason) throws {
        guard !ids.isEmpty else { return }
        try willChange(posts: ids)
        _ = try conn.execute("""
            UPDATE posts SET hidden_at = COALESCE(hidden_at, UTC_TIMESTAMP(6)), hidden_reason = \(reason.rawValue),
                   version = version + 1
            WHERE id IN \(SQL.list(ids)) AND deleted_at IS NULL
            """)
    }

    /// Shows hidden posts again. Their open reports are marked resolved and kept: the same
    /// reporters cannot report them again, and only later reports count.
    public mutating func restore(posts ids: [Int64]) throws {
        guard !ids.isEmpty else { return }
        try willChange(posts: ids)
        _ = try conn.execute("""
            UPDATE posts SET hidden_at = NULL, hidden_reason = NULL, review_requested_at = NULL, review_note = NULL,
                   version = version + 1
            WHERE id IN \(SQL.list(ids)) AND deleted_at IS NULL
            """)
        try resolveReports(posts: ids)
    }

    /// A moderator's final word: the post is deleted (its photos released), marked removed.
    public mutating func remove(posts ids: [Int64]) throws {
        guard !ids.isEmpty else { return }
        try willChange(posts: ids)
        _ = try conn.execute("""
            UPDATE posts SET deleted_at = UTC_TIMESTAMP(6), hidden_at = COALESCE(hidden_at, UTC_TIMESTAMP(6)),
                   hidden_reason = 'removed', version = version + 1
            WHERE id IN \(SQL.list(ids)) AND deleted_at IS NULL
            """)
        try resolveReports(posts: ids)
    }

    /// Marks the posts' open reports resolved (kept for the record and for repeats).
    public func resolveReports(posts ids: [Int64]) throws {
        _ = try conn.execute("""
            UPDATE post_reports SET resolved_at = UTC_TIMESTAMP(6) WHERE post_id IN \(SQL.list(ids)) AND resolved_at IS NULL
            """)
    }
}
