/// Why a multipart body was refused; every case is the client's fault (a 400). `description`
/// is safe to show.
public enum MultipartError: Error, Equatable, CustomStringConvertible {
    case notMultipart
    case badBoundary
    case empty
    case malformed
    case missingHeaders
    case headersTooLarge
    case tooManyParts(limit: Int)
    case truncated

    public var description: String {
        switch self {
        case .notMultipart: return "The request is not multipart/form-data."
        case .badBoundary: return "The multipart boundary is missing or invalid."
        case .empty: return "The request body is empty."
        case .malformed: return "The multipart body is malformed."
        case .missingHeaders: return "A part of the multipart body has no Content-Disposition with a name."
        case .headersTooLarge: return "A part of the multipart body has too many header bytes."
        case .tooManyParts(let limit): return "The multipart body has more than \(limit) parts."
        case .truncated: return "The multipart body ended before its closing boundary."
        }
    }
}
