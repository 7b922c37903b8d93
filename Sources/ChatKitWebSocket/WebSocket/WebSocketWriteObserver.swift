/// Told when the connection's drain has written a queued message to the channel.
///
/// The server attaches one to a sampled room message (``WebSocketConnection/send(textBuffer:observer:)``) to
/// time its delivery (`chat_delivery_seconds`) without the WebSocket layer knowing about metrics. Messages
/// without an observer cost nothing extra.
package protocol WebSocketWriteObserver: AnyObject, Sendable {
    /// Called on the connection's event loop right after the message's frame was written (the drain's single
    /// flush follows). Not called for a message that is never written (the connection closed first).
    func messageWritten()
}
