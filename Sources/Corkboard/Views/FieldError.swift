/// A form's one error message, tied to the field it is about: the message gets an id, and that
/// field gets `aria-invalid` and `aria-describedby` pointing at it, so a screen reader reads the
/// message when the field takes focus (WCAG 3.3.1). Forms that show one message at the top
/// (the post form, the search form) share this; the account forms put theirs under each field.
struct FieldError {
    let error: HTTPError?
    /// The message's element id, unique on the page.
    let id: String

    init(_ error: HTTPError?, id: String) {
        self.error = error
        self.id = id
    }

    /// Whether the message is about `field`.
    func names(_ field: String) -> Bool { error?.field == field }

    /// ` aria-invalid="true" aria-describedby="…"` on the field the message is about, else nothing.
    func attributes(_ field: String) -> HTML {
        names(field) ? " aria-invalid=\"true\" aria-describedby=\"\(id)\"" : ""
    }

    /// The message itself (`role="alert"`, so it is announced when the page loads), or nothing.
    func message(class className: StaticString) -> HTML {
        guard let error else { return "" }
        return "<p class=\"\(HTML(stringLiteral: className))\" id=\"\(id)\" role=\"alert\" data-field=\"\(error.field ?? "")\">\(error.message)</p>"
    }
}
