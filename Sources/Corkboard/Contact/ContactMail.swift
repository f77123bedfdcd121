import MariaDB

/// The mail a contact message becomes: to the poster, `Reply-To` the viewer, naming the ad with
/// a link, queued in the caller's transaction via `Outbox`. The viewer's name and message go
/// only into the body (quoted-printable text), never into a header.
struct ContactMail {
    let siteURL: String
    let siteName: String

    func message(_ conn: Transaction, to poster: String, about post: Post, from sender: ContactMessage) throws {
        let who = sender.name.isEmpty ? sender.email : "\(sender.name) <\(sender.email)>"
        let link = Outbox.link("/post/\(post.id)", siteURL: siteURL)
        try Outbox.enqueue(conn, kind: "contact", to: poster, replyTo: sender.email,
                           subject: "About your ad on \(siteName): \(post.title)", body: """
            Hello,

            \(who) wrote to you through \(siteName) about your ad "\(post.title)":
            \(link)

            Reply to this mail to answer; your reply goes to \(sender.email) and shows them your address.
            Until you reply, they do not know it.

            ----------------------------------------------------------------------
            \(sender.text)
            ----------------------------------------------------------------------

            To stop messages for this ad, untick "Let viewers write to me" on its edit page:
            \(Outbox.link("/post/\(post.id)/edit", siteURL: siteURL))
            """, domain: Outbox.domain(ofSiteURL: siteURL))
    }
}
