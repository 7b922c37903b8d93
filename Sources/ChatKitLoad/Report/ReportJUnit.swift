import Foundation

/// A load-test report as JUnit XML (`chatctl run|report --junit FILE`), so that CI systems show each
/// threshold as a test: one `<testsuite>` named after the scenario, one `<testcase>` per built-in run check
/// (classname `chatctl.checks.SCENARIO`, named after the check, e.g. `disconnects`) and one per threshold, named
/// after the rule (`delivery.lost == 0`), each with a `<failure>` when it did not hold. The suite's properties
/// carry the seed, the plan fingerprint, the target and the shard, and its `time` is the run's duration. The
/// report's warnings, if any, are the suite's `<system-out>`, one `WARNING …` line each.
/// An interrupted run adds a failed `<testcase name="run completed">` (type `interrupted`, naming the signal)
/// and an `interrupted` property.
/// Every string from the report is escaped (``MarkupEscaping``).
public enum ReportJUnit {
    public static func render(_ report: LoadReport) -> String {
        let name = MarkupEscaping.escape(report.scenario.name)
        let checks = report.checks ?? []
        let interrupted = report.interruption == nil ? 0 : 1
        let failures = report.thresholds.filter { !$0.passed }.count + checks.filter { !$0.passed }.count + interrupted
        let tests = report.thresholds.count + checks.count + interrupted
        let time = String(format: "%.3f", report.durationSeconds)
        let timestamp = ISO8601DateFormatter().string(from: report.startedAt)
        var properties: [(String, String)] = [
            ("seed", "\(report.scenario.seed)"), ("planFingerprint", report.scenario.planFingerprint),
            ("protocol", report.scenario.wireProtocol.rawValue), ("target", report.scenario.target),
            ("users", "\(report.scenario.users)"), ("localUsers", "\(report.scenario.localUsers)"),
        ]
        if let shard = report.scenario.shard { properties.append(("shard", shard)) }
        if let interruption = report.interruption { properties.append(("interrupted", interruption.signal)) }

        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"chatctl\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\" "
            + "time=\"\(time)\">\n"
        xml += "  <testsuite name=\"\(name)\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\" skipped=\"0\" "
            + "time=\"\(time)\" timestamp=\"\(timestamp)\">\n"
        xml += "    <properties>\n"
        for (key, value) in properties {
            xml += "      <property name=\"\(key)\" value=\"\(MarkupEscaping.escape(value))\"/>\n"
        }
        xml += "    </properties>\n"
        if let interruption = report.interruption {
            let sentence = MarkupEscaping.escape(interruption.sentence)
            xml += "    <testcase classname=\"chatctl.run.\(name)\" name=\"run completed\" time=\"\(time)\">\n"
            xml += "      <failure type=\"interrupted\" message=\"\(sentence)\">\(sentence)</failure>\n"
            xml += "    </testcase>\n"
        }
        for check in checks {
            let open = "    <testcase classname=\"chatctl.checks.\(name)\" name=\"\(MarkupEscaping.escape(check.check))\" "
                + "time=\"0\""
            if check.passed {
                xml += open + "/>\n"
            } else {
                let message = MarkupEscaping.escape(check.message)
                xml += open + ">\n"
                xml += "      <failure type=\"run check\" message=\"\(message)\">\(message)</failure>\n"
                xml += "    </testcase>\n"
            }
        }
        for result in report.thresholds {
            let caseName = MarkupEscaping.escape(result.rule)
            let open = "    <testcase classname=\"chatctl.thresholds.\(name)\" name=\"\(caseName)\" time=\"0\""
            if result.passed {
                xml += open + "/>\n"
            } else {
                let message = MarkupEscaping.escape("\(result.rule) failed: measured \(result.valueText)")
                xml += open + ">\n"
                xml += "      <failure type=\"threshold\" message=\"\(message)\">"
                    + MarkupEscaping.escape(
                        "\(result.metric) was \(result.valueText), the rule is \(result.expression)")
                    + "</failure>\n"
                xml += "    </testcase>\n"
            }
        }
        if let warnings = report.warnings, !warnings.isEmpty {
            // The report's warnings (e.g. a generator that fell behind), where CI shows a suite's output.
            xml += "    <system-out>" + MarkupEscaping.escape(warnings.map { "WARNING \($0)" }.joined(separator: "\n"))
                + "</system-out>\n"
        }
        xml += "  </testsuite>\n</testsuites>\n"
        return xml
    }
}
