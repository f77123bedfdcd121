import FastCGI

/// Builds the accounts pages' forms: labelled fields refilled after an error (never a
/// password), the message beside the field it is about, and the hidden CSRF token.
struct AccountForm {
    /// The form's name (also its CSS class), so an error shows only on the form that was sent.
    var name: String
    var action: String
    var csrf: String
    var values: AccountInput?
    var error: HTTPError?
    var fields: [HTML] = []

    init(name: String, action: String, csrf: String, values: AccountInput? = nil, error: HTTPError? = nil) {
        self.name = name
        self.action = action
        self.csrf = csrf
        self.values = values
        self.error = error
    }

    /// A text-like input; `type: "password"` is never refilled.
    mutating func field(_ field: String, _ label: String, type: String = "text", autocomplete: String, required: Bool = true) {
        let value = type == "password" ? nil : values?.raw(field)
        let message = error?.field == field ? error?.message : nil
        let describedBy: HTML = message == nil ? "" : " aria-invalid=\"true\" aria-describedby=\"\(name)-\(field)-error\""
        let errorHTML: HTML = message.map { "<p class=\"field-error\" id=\"\(name)-\(field)-error\">\($0)</p>" } ?? ""
        fields.append("""
            <label for="\(name)-\(field)">\(label)</label>
            <input id="\(name)-\(field)" name="\(field)" type="\(type)" autocomplete="\(autocomplete)"\(.attribute("required", if: required))\(describedBy) value="\(value ?? "")">
            \(errorHTML)
            """)
    }

    /// A multi-line text field, refilled after an error.
    mutating func textarea(_ field: String, _ label: String, maxLength: Int, rows: Int = 8, required: Bool = true) {
        let message = error?.field == field ? error?.message : nil
        let describedBy: HTML = message == nil ? "" : " aria-invalid=\"true\" aria-describedby=\"\(name)-\(field)-error\""
        let errorHTML: HTML = message.map { "<p class=\"field-error\" id=\"\(name)-\(field)-error\">\($0)</p>" } ?? ""
        fields.append("""
            <label for="\(name)-\(field)">\(label)</label>
            <textarea id="\(name)-\(field)" name="\(field)" rows="\(rows)" maxlength="\(maxLength)"\(.attribute("required", if: required))\(describedBy)>\(values?.raw(field) ?? "")</textarea>
            \(errorHTML)
            """)
    }

    /// A honeypot: a text field people never see or reach (hidden by the stylesheet, out of the
    /// tab order, unlabelled for assistive technology), which form-filling bots fill in.
    mutating func honeypot(_ field: String) {
        fields.append("""
            <p class="hp" aria-hidden="true"><label for="\(name)-\(field)">Leave this empty</label>
            <input id="\(name)-\(field)" name="\(field)" type="text" tabindex="-1" autocomplete="off" value=""></p>
            """)
    }

    /// A hidden input (tokens in links).
    mutating func hidden(_ field: String, _ value: String) {
        fields.append("<input type=\"hidden\" name=\"\(field)\" value=\"\(value)\">")
    }

    /// The form, with an error that names no field of it shown above the fields.
    func render(submit: String, danger: Bool = false) -> HTML {
        var top: HTML = ""
        if let error, !(error.field.map { f in fields.contains { $0.text.contains("name=\"\(f)\"") } } ?? false) {
            top = "<p class=\"error\" role=\"alert\">\(error.message)</p>"
        }
        let buttonClass: HTML = danger ? " class=\"danger\"" : ""
        return """
            <form class="\(name)" method="post" action="\(action)">
            \(top)<input type="hidden" name="csrf_token" value="\(csrf)">
            \(fields)
            <button type="submit"\(buttonClass)>\(submit)</button>
            </form>
            """
    }

    /// A page around some content, with the error's status.
    static func page(_ context: RequestContext, title: String, status: Int = 200, _ body: HTML) -> FastCGIResponse {
        HTMLResponse.make(status: status, Layout.page(title: title, siteName: context.app.config.siteName, body: body))
    }

    /// Only local paths ("/x", not "//host" or "/\\host") are followed after log-in.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"),
              !next.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F }) else { return "/account" }
        return next
    }
}
