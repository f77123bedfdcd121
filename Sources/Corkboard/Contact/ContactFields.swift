/// The fields of `POST /api/posts/{id}/contact` (`StringBody` keys): the viewer's `email`, an
/// optional `name`, the `message`, and `website`, the honeypot a person never fills.
enum ContactFields: CodingKey, CaseIterable {
    case email, name, message, website
}
