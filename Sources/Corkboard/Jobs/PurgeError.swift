/// Why a purge run stopped; `runID` names the run it was recorded on.
public struct PurgeError: Error, CustomStringConvertible {
    public var message: String
    public var runID: Int64?

    public init(message: String, runID: Int64? = nil) {
        self.message = message
        self.runID = runID
    }

    public var description: String { message }
}
