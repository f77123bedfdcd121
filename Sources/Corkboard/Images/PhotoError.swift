/// Why one photo was refused. Each case has a message for the poster; the details of a failed
/// decode go to the log only.
public enum PhotoError: Error, Sendable, Equatable {
    case empty
    case tooLarge(limit: Int)
    case notAnImage
    case tooManyPixels(width: Int, height: Int, limit: Int)
    case undecodable

    /// What the poster reads, naming the photo (e.g. "Photo 3 (cat.jpg)").
    public func message(photo: String) -> String {
        switch self {
        case .empty:
            return "\(photo) is empty."
        case .tooLarge(let limit):
            return "\(photo) is larger than \(limit / 1_048_576 > 0 && limit % 1_048_576 == 0 ? "\(limit / 1_048_576) MiB" : "\(limit) bytes")."
        case .notAnImage:
            return "\(photo) is not a JPEG, PNG or WebP image."
        case .tooManyPixels(let w, let h, let limit):
            return "\(photo) is \(w) × \(h) pixels; at most \(limit / 1_000_000) megapixels are accepted."
        case .undecodable:
            return "\(photo) is damaged or incomplete and could not be read."
        }
    }
}
