/// What feature extensions of `RequestContext` work out once per request (its session, the
/// anonymous CSRF cookie it set), by key. A request keeps a handful, so they are a short list
/// searched in order: hashing each key into a `[String: Any]` was 5% of a cached post page.
/// Reads and writes as a dictionary would (setting nil removes the key).
public struct RequestStorage {
    private var items: [(key: String, value: Any)] = []

    public init() {}

    public subscript(key: String) -> Any? {
        get {
            for item in items where item.key == key { return item.value }
            return nil
        }
        set {
            if let i = items.firstIndex(where: { $0.key == key }) {
                if let newValue { items[i].value = newValue } else { items.remove(at: i) }
            } else if let newValue {
                items.append((key, newValue))
            }
        }
    }
}
