import FastCGI

/// Contact the poster: `POST /api/posts/{id}/contact` (JSON, 202) and the form,
/// `GET`/`POST /post/{id}/contact`. Anyone may write, logged in or not; the CSRF rules are
/// those of every state-changing request.
enum ContactRoutes {
    static func register(on router: Router) {
        router.post("/api/posts/:id/contact") { try api($0) }
        router.get("/post/:id/contact") { try formPage($0) }
        router.post("/post/:id/contact") { try form($0) }
    }

    /// `POST /api/posts/{id}/contact`: `{"email", "name"?, "message"}`; 202 once queued.
    static func api(_ context: RequestContext) throws -> FastCGIResponse {
        let id = try PostAPI.postID(context)
        try context.requireCSRF(form: nil)
        let input = try AccountInput.read(context, takes: ContactFields.self)
        let service = ContactService(context: context)
        let post = try service.post(id)
        // Checked first, honeypot or not: a bot gets the answer a person would (a 400 for a bad
        // field, else 202), so it cannot tell that its message was dropped.
        let message = try ContactMessage(input)
        if !ContactMessage.isBot(input) { try service.send(message, about: post) }
        return JSONResponse.make(status: 202, ["message": ContactService.sentAnswer])
    }

    /// `GET /post/{id}/contact`: the form alone.
    static func formPage(_ context: RequestContext) throws -> FastCGIResponse {
        let post = try ContactService(context: context).post(try PostAPI.postID(context))
        return try ContactForm.page(context, post: post)
    }

    /// `POST /post/{id}/contact`: a confirmation page, or the form refilled with the problem.
    static func form(_ context: RequestContext) throws -> FastCGIResponse {
        let service = ContactService(context: context)
        let post = try service.post(try PostAPI.postID(context))
        return try AccountPages.handleForm(context, render: { try ContactForm.page(context, post: post, values: $0, error: $1) }) { input in
            let message = try ContactMessage(input)
            if !ContactMessage.isBot(input) { try service.send(message, about: post) }
            return AccountForm.page(context, title: "Message sent", """
                <h1>Message sent</h1>
                <p class="notice" role="status">\(ContactService.sentAnswer)</p>
                <p><a href="/post/\(post.id)">Back to the ad</a></p>
                """)
        }
    }
}
