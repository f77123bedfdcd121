import MariaDB

/// Mail to posters about moderation, queued in the action's transaction through the outbox.
struct ModerationMail {
    let siteURL: String
    let siteName: String

    /// Reports hid the post: what happened and what the poster can do.
    func hiddenAfterReports(_ conn: Transaction, to poster: String, postID: Int64, title: String) throws {
        let link = Outbox.link("/post/\(postID)", siteURL: siteURL)
        try Outbox.enqueue(conn, kind: "post_hidden", to: poster,
                           subject: "Your ad on \(siteName) was hidden after reports: \(title)", body: """
            Hello,

            Several viewers reported your ad "\(title)", and it is now hidden from everyone else:
            \(link)

            You can still open it there, edit it or delete it. If you think the reports are wrong,
            ask for a review on that page (once, with a note); a moderator will look at it.
            """, domain: Outbox.domain(ofSiteURL: siteURL))
    }
}
