// The ChatKit library as users import it: every layer, re-exported, as SwiftNIO's umbrella `NIO` module did.
// Import a layer alone (`ChatKitWebSocket`, `ChatKitChat`, `ChatKitCluster`, `ChatKitServer`) to depend on less.
// The layers and what each may import: docs/architecture.md, "Modules".
@_exported import ChatKitChat
@_exported import ChatKitCluster
@_exported import ChatKitServer
@_exported import ChatKitWebSocket
