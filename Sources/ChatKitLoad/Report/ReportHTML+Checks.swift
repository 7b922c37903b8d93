extension ReportHTML {
    /// The built-in run checks (`#checks`: one `tr.check.pass|fail` per check, `data-check`) and the failures by
    /// cause (`#failures`: one `tr[data-kind]` per cause, kinds `connect`, `disconnect`, `send`).
    static func checksSection(_ report: LoadReport) -> String {
        guard let checks = report.checks, !checks.isEmpty else { return "" }
        var html = "<section>\n<h2>Run checks</h2>\n"
        let failed = checks.filter { !$0.passed }.count
        html += "<p>\(checks.count - failed) of \(checks.count) passed. They apply to every run: a run that did not "
            + "happen as planned does not pass.</p>\n"
        html += "<table id=\"checks\">\n<thead><tr><th>result</th><th>check</th><th>what happened</th>"
            + "<th class=\"num\">tolerated</th></tr></thead>\n<tbody>\n"
        for check in checks {
            let verdict = check.passed ? "PASS" : "FAIL"
            let name = MarkupEscaping.escape(check.check)
            html += "<tr class=\"check \(verdict.lowercased())\" data-check=\"\(name)\">"
                + "<td class=\"status\">\(verdict)</td><td><code>\(name)</code></td>"
                + "<td>\(MarkupEscaping.escape(check.message))</td>"
                + "<td class=\"num\">\(MarkupEscaping.escape(check.tolerated ?? "–"))</td></tr>\n"
        }
        html += "</tbody>\n</table>\n"
        if let failures = report.failures, !failures.isEmpty {
            html += "<h3>Failures by cause</h3>\n<table id=\"failures\">\n<thead><tr><th>kind</th><th>cause</th>"
                + "<th class=\"num\">count</th><th class=\"num\">first at</th></tr></thead>\n<tbody>\n"
            for (kind, tallies) in [("connect", failures.connect), ("disconnect", failures.disconnect),
                                    ("send", failures.send)] {
                for (cause, tally) in FailureCauses.sorted(tallies) {
                    html += "<tr data-kind=\"\(kind)\"><td>\(kind)</td><td>\(MarkupEscaping.escape(cause))</td>"
                        + "<td class=\"num\">\(tally.count)</td>"
                        + "<td class=\"num\">\(FailureCauses.seconds(tally.firstSeconds))</td></tr>\n"
                }
            }
            html += "</tbody>\n</table>\n"
        }
        return html + "</section>\n"
    }
}
