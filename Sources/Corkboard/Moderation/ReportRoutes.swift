import FastCGI

/// Reports and the poster's review request: `POST /api/posts/{id}/report` (JSON, 201),
/// `GET`/`POST /post/{id}/report` (the form), `POST /api/posts/{id}/review` and
/// `POST /post/{id}/review`. Anyone may report, logged in or not; CSRF as for every form.
enum ReportRoutes {
    static func register(on router: Router) {
        router.post("/api/posts/:id/report") { try api($0) }
        router.get("/post/:id/report") { try formPage($0) }
        router.post("/post/:id/report") { try form($0) }
        router.post("/api/posts/:id/review") { try reviewAPI($0) }
        router.post("/post/:id/review") { try reviewForm($0) }
    }

    /// `POST /api/posts/{id}/report`: `{"reason", "details"?}`; 201 `{"message", "post_hidden"}`.
    static func api(_ context: RequestContext) throws -> FastCGIResponse {
        let id = try PostAPI.postID(context)
        try context.requireCSRF(form: nil)
        let input = try AccountInput.read(context, takes: ReportFields.self)
        let (reason, details) = try ReportReason.read(input)
        let outcome = try ReportService(context: context).file(postID: id, reason: reason, details: details,
                                                               reporter: try Reporter.of(context))
        return JSONResponse.make(status: 201, Answer(message: ReportService.thanks, postHidden: outcome.hid))
    }

    /// The API's answer to a report: whether it hid the post.
    struct Answer: Encodable {
        var message: String
        var postHidden: Bool
    }

    /// `GET /post/{id}/report`: the form (404/410 for posts that cannot be reported).
    static func formPage(_ context: RequestContext) throws -> FastCGIResponse {
        let post = try ReportService(context: context).reportable(try PostAPI.postID(context))
        return try ReportForm.page(context, post: post)
    }

    /// `POST /post/{id}/report`: a thank-you page, or the form refilled with the problem.
    static func form(_ context: RequestContext) throws -> FastCGIResponse {
        let service = ReportService(context: context)
        let post = try service.reportable(try PostAPI.postID(context))
        return try AccountPages.handleForm(context, render: { try ReportForm.page(context, post: post, values: $0, error: $1) }) { input in
            let (reason, details) = try ReportReason.read(input)
            _ = try service.file(postID: post.id, reason: reason, details: details, reporter: try Reporter.of(context))
            return AccountForm.page(context, title: "Report received", """
                <h1>Report received</h1>
                <p class="notice" role="status">\(ReportService.thanks)</p>
                <p><a href="/\(post.citySlug)">Back to \(post.cityName)</a></p>
                """)
        }
    }

    /// `POST /api/posts/{id}/review`: `{"note"}`; 202 once queued.
    static func reviewAPI(_ context: RequestContext) throws -> FastCGIResponse {
        let id = try PostAPI.postID(context)
        let user = try context.requireUser()
        try context.requireCSRF(form: nil)
        let input = try AccountInput.read(context, takes: ReviewFields.self)
        try ModerationService(context: context).requestReview(postID: id, by: user, note: try reviewNote(input))
        return JSONResponse.make(status: 202, ["message": reviewAnswer])
    }

    /// `POST /post/{id}/review`: back to the post page, which then says the review is pending.
    static func reviewForm(_ context: RequestContext) throws -> FastCGIResponse {
        let id = try PostAPI.postID(context)
        let user = try context.requireUser()
        let input = try AccountInput.read(context)
        try context.requireCSRF(form: input.form)
        try ModerationService(context: context).requestReview(postID: id, by: user, note: try reviewNote(input))
        return try FastCGIResponse.redirect(to: "/post/\(id)")
    }

    static let reviewAnswer = "Your request is in the moderators' queue, with your note."

    static func reviewNote(_ input: AccountInput) throws -> String {
        try input.string("note", label: "Your note to the moderators", maxLength: 1000)
    }
}
