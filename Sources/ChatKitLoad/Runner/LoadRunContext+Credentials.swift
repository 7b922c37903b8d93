import ChatKit
import Foundation

// Each user's handshake: the target with its placeholders filled in, and the scenario's headers.
extension LoadRunContext {
    /// The values of `{name}`, `{i}` and `{token}` for user `index` named `name`.
    func placeholderValues(name: String, userIndex: Int) -> [String: String] {
        var values = ["name": name, "i": String(userIndex)]
        if userIndex < self.userTokens.count { values["token"] = self.userTokens[userIndex] }
        return values
    }

    /// The client configuration of user `user`: the run's, with the scenario's headers filled in for that user.
    func clientConfiguration(for user: PlannedUser) -> ClientConfiguration {
        let headers = self.scenario.connection.headers
        guard !headers.isEmpty else { return self.clientConfiguration }
        let values = self.placeholderValues(name: user.name, userIndex: user.index)
        var configuration = self.clientConfiguration
        configuration.headers += headers.map { ($0.name, ConnectionSettings.fill($0.value, values)) }
        return configuration
    }

    /// `url` with `{name}`, `{i}` and `{token}` in its path and query filled in (percent-encoded) for a user.
    func fillingPlaceholders(_ url: WebSocketURL, name: String, userIndex: Int) -> WebSocketURL {
        guard url.requestTarget.contains("{") else { return url }
        var filled = url
        let allowed = CharacterSet.urlQueryAllowed.subtracting(["&", "=", "+", "?", "#", "/"])
        filled.requestTarget = ConnectionSettings.fill(
            url.requestTarget, self.placeholderValues(name: name, userIndex: userIndex)
        ) { $0.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0 }
        return filled
    }
}
