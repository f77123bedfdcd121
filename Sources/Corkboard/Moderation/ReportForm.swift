import FastCGI

/// Reporting through the pages, without script: a button on the post page (a GET form, so the
/// cached page carries no per-viewer token) opens the report form, which posts with the CSRF
/// token like every other form and comes back refilled, naming the problem, on bad input.
enum ReportForm {
    /// The post page's button.
    static func button(_ post: Post) -> HTML {
        """
        <form class="report-button" method="get" action="/post/\(post.id)/report"><button type="submit">Report this ad</button></form>
        """
    }

    static func page(_ context: RequestContext, post: Post, values: AccountInput? = nil,
                     error: HTTPError? = nil) throws -> FastCGIResponse {
        var form = AccountForm(name: "report", action: "/post/\(post.id)/report", csrf: try context.csrfToken(),
                               values: values, error: error)
        let chosen = values?.raw("reason")
        let options: [HTML] = ReportReason.allCases.map { reason in
            """
            <label><input type="radio" name="reason" value="\(reason.rawValue)" required\(.attribute("checked", if: chosen == reason.rawValue))> \(reason.label)</label>
            """
        }
        let reasonError: HTML = error?.field == "reason" ? "<p class=\"field-error\" id=\"report-reason-error\">\(error?.message ?? "")</p>" : ""
        form.fields.append("""
            <fieldset class="reasons"><legend>What is wrong with it?</legend>
            \(HTML.join(options, separator: "\n"))
            </fieldset>
            \(reasonError)
            """)
        form.textarea("details", "Tell us more (needed for \"Other\"; up to 500 characters)",
                      maxLength: ReportReason.maxDetails, rows: 4, required: false)
        return AccountForm.page(context, title: "Report an ad", status: error?.status ?? 200, """
            <h1>Report an ad</h1>
            <p>About <a href="/post/\(post.id)">\(post.title)</a>. Reports are anonymous to the poster; ads many people report are hidden until a moderator looks at them.</p>
            \(form.render(submit: "Send report"))
            """)
    }
}
