import FastCGI
import MariaDB

/// The contact form, on the post page and on its own page (`/post/{id}/contact`, where an
/// error re-renders it refilled). Plain HTML, no script: it works without JavaScript.
enum ContactForm {
    /// The form's section: what happens to the viewer's address, said plainly, and the fields.
    /// A logged-in viewer's address is filled in.
    static func section(_ context: RequestContext, post: Post, values: AccountInput? = nil,
                        error: HTTPError? = nil) throws -> HTML {
        var filled = values
        if filled == nil, let user = try context.currentUser() {
            filled = AccountInput(values: ["email": user.email], form: nil)
        }
        return section(postID: post.id, csrf: try context.csrfToken(), values: filled, error: error)
    }

    /// The empty section (no values, no error) of post `postID` around the hot-post cache's
    /// token placeholder: what every viewer of a cached post page gets (`PostPageHandler.hotPost`
    /// puts each viewer's token in). Copied from a drawing made once per process, with the
    /// post's id put in; the form was a tenth of an uncached post page's instructions.
    static func blank(postID: Int64) -> HTML {
        guard let drawn = blankDrawing else { return section(postID: postID, csrf: PostPageHandler.tokenPlaceholder) }
        return "\(drawn.head)\(postID)\(drawn.tail)"
    }

    /// `blank`'s drawing, split where the post's id goes: drawn with a stand-in id that must
    /// appear nowhere else (nil if it did, and every section is drawn in full).
    private static let blankDrawing: (head: HTML, tail: HTML)? = {
        let standIn = String(Int64.max)
        let bytes = section(postID: Int64.max, csrf: PostPageHandler.tokenPlaceholder).bytes
        guard let (head, tail) = PostPageHandler.split(bytes, atLast: standIn),
              PostPageHandler.split(head, atLast: standIn) == nil else { return nil }
        // Both halves are our own markup, drawn just above.
        return (HTML(unsafeRaw: String(decoding: head, as: UTF8.self)), HTML(unsafeRaw: String(decoding: tail, as: UTF8.self)))
    }()

    /// The section with the given CSRF token, refilled with `values` and `error` if any.
    static func section(postID: Int64, csrf: String, values: AccountInput? = nil, error: HTTPError? = nil) -> HTML {
        var form = AccountForm(name: "contact", action: "/post/\(postID)/contact", csrf: csrf,
                               values: values, error: error)
        form.field("email", "Your email", type: "email", autocomplete: "email")
        form.field("name", "Your name (optional)", autocomplete: "name", required: false)
        form.textarea("message", "Message (up to 5,000 characters)", maxLength: ContactMessage.maxMessage)
        form.honeypot("website")
        return """
            <section class="contact" id="contact">
            <h2>Write to the poster</h2>
            <p class="contact-notice">The poster gets your message by email, with <strong>your email address shown to them</strong> so they can reply. Their address stays hidden from you until they do.</p>
            \(form.render(submit: "Send message"))
            </section>
            """
    }

    /// The section for the post page, or nothing while the primary is down: nothing could be
    /// sent then, and the page itself must keep working for everyone.
    static func onPostPage(_ context: RequestContext, post: Post) throws -> HTML {
        do {
            let html = try section(context, post: post)
            return context.identityUnavailable ? "" : html
        } catch let error as MariaDBError where error.isUnavailable {
            return ""
        }
    }

    /// The form on a page of its own, with the error's status.
    static func page(_ context: RequestContext, post: Post, values: AccountInput? = nil,
                     error: HTTPError? = nil) throws -> FastCGIResponse {
        AccountForm.page(context, title: "Write to the poster", status: error?.status ?? 200, """
            <p>About <a href="/post/\(post.id)">\(post.title)</a></p>
            \(try section(context, post: post, values: values, error: error))
            """)
    }
}
