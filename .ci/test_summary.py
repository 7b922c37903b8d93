"""Reads `swift test` output and prints one plain closing line: `LABEL: N passed, N failed`.

Usage: test_summary.py LABEL LOG [COUNTS_FILE]
Counts XCTest's final "Executed N tests, with F failures" line (the overall suite) and Swift Testing's
"Test run with N tests" line; appends "N F" to COUNTS_FILE when given (for .ci/run's grand total).
"""
import re
import sys

label, log = sys.argv[1], sys.argv[2]
text = open(log, errors="replace").read()
executed = failed = 0
xctest = re.findall(r"Executed (\d+) tests?, with (\d+) failures?", text)
if xctest:
    # The last line is "All tests": the total.
    executed, failed = map(int, xctest[-1])
for count in re.findall(r"Test run with (\d+) tests?", text):
    executed += int(count)
failed += len(re.findall(r"✘ Test run with", text))
print(f"{label}: {executed - failed} passed, {failed} failed")
if len(sys.argv) > 3:
    with open(sys.argv[3], "a") as counts:
        counts.write(f"{executed - failed} {failed}\n")
