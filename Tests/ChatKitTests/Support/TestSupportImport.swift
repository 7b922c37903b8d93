// Every file of this target sees the shared test helpers (withServer, ChatTestClient, ChildProcess, …) without
// importing them itself.
@_exported import ChatKitTestSupport
