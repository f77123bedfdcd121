/// How a city's list is laid out: a compact list (one row per post) or a gallery (a grid of
/// thumbnails). Kept in the URL (`view=gallery`), so the choice survives the "more" link,
/// Back and a shared address; it is not part of the search, so a cursor works in either view.
public enum ListView: String, CaseIterable, Sendable {
    case list
    case gallery

    /// The label of its switch.
    var label: String { self == .list ? "List" : "Gallery" }

    /// Reads `view`: absent or empty is the list; anything else but a known name is a 400.
    static func parse(_ value: String?) throws -> ListView {
        guard let value, !value.isEmpty else { return .list }
        guard let view = ListView(rawValue: value) else {
            throw HTTPError.badRequest("`view` must be list or gallery.", field: "view")
        }
        return view
    }
}
