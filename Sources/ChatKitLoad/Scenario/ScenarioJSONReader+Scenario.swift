import ChatKit
import Foundation

// The scenario's top level: name, seed, target, admin, protocol, timeouts and reconnect, then each section
// in turn (read in the other ScenarioJSONReader files) and the checks across them.
extension ScenarioJSONReader {
    mutating func scenario(_ root: Any) -> Scenario? {
        guard let object = self.object(root, "scenario") else { return nil }
        self.unknownKeys(object, [
            "name", "description", "seed", "target", "admin", "protocol", "connectTimeout", "reconnect", "groups",
            "phases", "drain", "thresholds", "tolerate", "json", "socketio", "connection", "$schema",
        ], "")
        let name = self.string(object, "name", "", required: true) ?? ""
        let description = self.string(object, "description", "")
        // JSON numbers are doubles: seeds stay exact up to 2^53 - 1.
        let seed = self.integer(object, "seed", "", range: 0...9_007_199_254_740_991) ?? 1
        let target = self.string(object, "target", "")
        if let target {
            do { _ = try WebSocketURL(target) } catch { self.problem("target", "\(error)") }
        }
        var admin: AdminTarget?
        if let adminObject = self.object(object["admin"], "admin") {
            self.unknownKeys(adminObject, ["url", "token"], "admin")
            let url = self.string(adminObject, "url", "admin", required: true) ?? ""
            if !url.isEmpty && !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
                self.problem("admin.url", "expected an http:// URL, got \"\(url)\"")
            }
            admin = AdminTarget(url: url, token: self.string(adminObject, "token", "admin"))
        }
        var wireProtocol = LoadProtocol.chat
        if let text = self.string(object, "protocol", "") {
            if let value = LoadProtocol(rawValue: text) { wireProtocol = value } else {
                self.problem("protocol", "expected \"chat\", \"raw\", \"json\" or \"socketio\", got \"\(text)\"")
            }
        }
        let connectTimeout = self.duration(object, "connectTimeout", "") ?? 10
        var reconnect: ReconnectPolicy?
        if let reconnectObject = self.object(object["reconnect"], "reconnect") {
            self.unknownKeys(reconnectObject, ["attempts", "backoff", "maxBackoff"], "reconnect")
            reconnect = ReconnectPolicy(
                attempts: self.integer(reconnectObject, "attempts", "reconnect", range: 0...1000) ?? 3,
                backoffSeconds: self.duration(reconnectObject, "backoff", "reconnect") ?? 0.2,
                maxBackoffSeconds: self.duration(reconnectObject, "maxBackoff", "reconnect") ?? 5)
        }
        let groups = self.groups(object["groups"])
        let phases = self.phases(object["phases"], groups: groups)
        let drain = self.duration(object, "drain", "") ?? 5
        let thresholds = self.thresholds(object["thresholds"])
        let tolerate = self.tolerance(object["tolerate"])
        if wireProtocol == .raw {
            for problem in Scenario.rawProblems(groups: groups, phases: phases) {
                self.problem(problem.path, problem.message)
            }
        }
        if wireProtocol != .chat, !self.churn.isEmpty {
            self.problem("phases", "churn phases need the chat protocol (recovery rejoins rooms)")
        }
        var json: JSONProtocolSettings?
        if wireProtocol == .json {
            json = self.jsonProtocol(object["json"])
            if let json {
                for problem in Scenario.jsonProblems(json, groups: groups, phases: phases) {
                    self.problem(problem.path, problem.message)
                }
            }
        } else if object["json"] != nil {
            self.problem("json", "only with protocol \"json\"")
        }
        var socketio: SocketIOProtocolSettings?
        if wireProtocol == .socketio {
            socketio = self.socketIOProtocol(object["socketio"])
            if let socketio {
                for problem in Scenario.jsonProblems(socketio.events, groups: groups, phases: phases) {
                    self.problem(problem.path, problem.message.replacingOccurrences(of: "json.", with: "socketio."))
                }
            }
        } else if object["socketio"] != nil {
            self.problem("socketio", "only with protocol \"socketio\"")
        }
        var scenario = Scenario(
            name: name, description: description, seed: UInt64(seed), target: target, admin: admin,
            wireProtocol: wireProtocol, connectTimeoutSeconds: connectTimeout, reconnect: reconnect, groups: groups,
            phases: phases, drainSeconds: drain, thresholds: thresholds, tolerate: tolerate)
        scenario.churn = self.churn
        scenario.json = json
        scenario.socketio = socketio
        scenario.connection = self.connection(object["connection"])
        if scenario.connection.tokensFile == nil {
            var templates: [(String, JSONFrameTemplate?)] = []
            if let json { templates += [("json.hello", json.hello), ("json.join", json.join), ("json.say", json.say)] }
            if let socketio { templates.append(("socketio.auth", socketio.auth)) }
            for case (let path, let template?) in templates where template.placeholders.contains("token") {
                self.problem(path, "{token} needs connection.tokensFile (one token a line)")
            }
        }
        return scenario
    }
}
