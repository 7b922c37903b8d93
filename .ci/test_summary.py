"""Reads `swift test` output and prints one plain closing line: `LABEL: N passed, N failed`.

Usage: test_summary.py LABEL LOG [COUNTS_FILE]
Counts XCTest's final "Executed N tests, with F failures" line (the overall suite; "with S tests skipped and
F failures" when some skipped) and Swift Testing's "Test run with N tests" line; appends "N F" (passed,
failed) to COUNTS_FILE when given (for .ci/run's grand total). Skipped tests count as neither.
"""
import re
import sys

label, log = sys.argv[1], sys.argv[2]
text = open(log, errors="replace").read()
executed = failed = skipped = 0
xctest = re.findall(r"Executed (\d+) tests?, with (?:(\d+) tests? skipped and )?(\d+) failures?", text)
if xctest:
    # The last line is "All tests": the total.
    executed, skipped, failed = (int(count or 0) for count in xctest[-1])
for count in re.findall(r"Test run with (\d+) tests?", text):
    executed += int(count)
failed += len(re.findall(r"✘ Test run with", text))
passed = executed - failed - skipped
print(f"{label}: {passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
if len(sys.argv) > 3:
    with open(sys.argv[3], "a") as counts:
        counts.write(f"{passed} {failed}\n")
