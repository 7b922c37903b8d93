/// The stable codes of `error` frames. Clients may switch on them; the `message` beside them is for people.
public struct ChatErrorCode: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { self.rawValue }

    /// The frame is not a JSON object.
    public static let badJSON = ChatErrorCode(rawValue: "bad_json")
    /// `type` names no known request.
    public static let unknownType = ChatErrorCode(rawValue: "unknown_type")
    /// A field the request needs is absent.
    public static let missingField = ChatErrorCode(rawValue: "missing_field")
    /// A field has the wrong JSON type.
    public static let badField = ChatErrorCode(rawValue: "bad_field")
    /// `content` is longer than the server allows.
    public static let tooLong = ChatErrorCode(rawValue: "too_long")
    /// The request's `id` is longer than the server allows (128 UTF-8 bytes by default); the request is refused
    /// and the error carries no `id`.
    public static let idTooLong = ChatErrorCode(rawValue: "id_too_long")
    /// A room name is empty, too long (characters or UTF-8 bytes) or holds characters that are not allowed.
    public static let invalidRoom = ChatErrorCode(rawValue: "invalid_room")
    /// `say`, `leave` or `users` for a room the sender has not joined.
    public static let notInRoom = ChatErrorCode(rawValue: "not_in_room")
    /// `join` for a room the sender is already in.
    public static let alreadyInRoom = ChatErrorCode(rawValue: "already_in_room")
    /// `whisper` to a name no one connected has.
    public static let unknownUser = ChatErrorCode(rawValue: "unknown_user")
    /// The connection sent faster than the server's rate limit.
    public static let rateLimited = ChatErrorCode(rawValue: "rate_limited")
    /// A `join` over the join rate limit of the connection (default 20/s, bursts of 200) or of its address
    /// (`--join-rate-per-ip`, off by default); the message names the limit. The join is not made.
    public static let joinRateLimited = ChatErrorCode(rawValue: "join_rate_limited")
    /// The connection is in as many rooms as the server allows.
    public static let tooManyRooms = ChatErrorCode(rawValue: "too_many_rooms")
    /// `join` of a new room while the server has as many rooms as it allows (100 000 by default).
    public static let roomLimitReached = ChatErrorCode(rawValue: "room_limit_reached")
    /// Cluster mode: the request needs the shared Redis, which this node cannot reach right now.
    public static let clusterUnavailable = ChatErrorCode(rawValue: "cluster_unavailable")
}
