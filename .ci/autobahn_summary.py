#!/usr/bin/env python3
"""Summarises kosoku (Autobahn|Testsuite) reports: counts per behaviour and per close behaviour for each side,
and every case that is not plainly OK with its description.

Usage:
  autobahn_summary.py [--output FILE] [--expect-cases N] [--selection TEXT] LABEL=REPORT_DIR [LABEL=REPORT_DIR ...]

REPORT_DIR is a kosoku output directory (it holds index.json and one JSON file per case). The summary is
Markdown, printed and written to --output. Exit status: 0 when no case failed on any side, 1 when a case
FAILED (or ERROR, or its close was FAILED / WRONG CODE / UNCLEAN / FAILED BY CLIENT), when a side ran a
different number of cases than --expect-cases, or when a report is missing; 2 on bad usage.
"""

import argparse
import datetime
import importlib.metadata
import json
import os
import platform
import sys

BEHAVIOURS = ["OK", "NON-STRICT", "INFORMATIONAL", "UNIMPLEMENTED", "FAILED", "ERROR"]
CLOSE_BEHAVIOURS = ["OK", "INFORMATIONAL", "UNCLEAN", "WRONG CODE", "FAILED BY CLIENT", "FAILED"]
FAILING_BEHAVIOURS = {"FAILED", "ERROR"}
PASSING_CLOSE_BEHAVIOURS = {"OK", "INFORMATIONAL"}


def case_key(case_id):
    """Numeric order: 1.2.10 after 1.2.9."""
    return [int(part) if part.isdigit() else part for part in case_id.split(".")]


def load_side(label, directory):
    """Returns (cases, problems): cases as a list of dicts sorted by case id."""
    index_path = os.path.join(directory, "index.json")
    try:
        with open(index_path, encoding="utf-8") as f:
            index = json.load(f)
    except (OSError, ValueError) as error:
        return [], [f"{label}: cannot read {index_path}: {error}"]
    cases = []
    for agent, entries in index.items():
        for case_id, entry in entries.items():
            description = ""
            report_file = entry.get("reportfile")
            if report_file:
                try:
                    with open(os.path.join(directory, report_file), encoding="utf-8") as f:
                        description = json.load(f).get("description", "")
                except (OSError, ValueError):
                    description = "(case report missing)"
            cases.append({
                "agent": agent,
                "id": case_id,
                "behavior": entry.get("behavior", "?"),
                "behaviorClose": entry.get("behaviorClose", "?"),
                "remoteCloseCode": entry.get("remoteCloseCode"),
                "duration": entry.get("duration"),
                "description": " ".join(description.split()),
            })
    cases.sort(key=lambda case: case_key(case["id"]))
    return cases, []


def is_failure(case):
    return case["behavior"] in FAILING_BEHAVIOURS or case["behaviorClose"] not in PASSING_CLOSE_BEHAVIOURS


def count_table(title, field, known, sides):
    seen = list(known)
    for _, cases in sides:
        for case in cases:
            if case[field] not in seen:
                seen.append(case[field])
    lines = [f"| {title} | " + " | ".join(label for label, _ in sides) + " |",
             "|---|" + "---:|" * len(sides)]
    for value in seen:
        counts = [sum(1 for case in cases if case[field] == value) for _, cases in sides]
        lines.append(f"| {value} | " + " | ".join(str(count) for count in counts) + " |")
    lines.append("| **total** | " + " | ".join(str(len(cases)) for _, cases in sides) + " |")
    return lines


def summarise(sides, expect_cases, problems, selection):
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    machine = f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    try:
        machine += f", kosoku {importlib.metadata.version('kosoku')}"
    except importlib.metadata.PackageNotFoundError:
        pass
    lines = ["# Autobahn|Testsuite conformance summary", "",
             f"Run {now} on {machine}. {selection}", ""]
    lines += count_table("behavior", "behavior", BEHAVIOURS, sides)
    lines.append("")
    lines += count_table("behaviorClose", "behaviorClose", CLOSE_BEHAVIOURS, sides)
    for label, cases in sides:
        if expect_cases is not None and len(cases) != expect_cases:
            problems.append(f"{label}: {len(cases)} cases in the report, expected {expect_cases}")
        notable = [case for case in cases if case["behavior"] != "OK" or case["behaviorClose"] != "OK"]
        lines += ["", f"## {label}: cases not plainly OK ({len(notable)})", ""]
        if not notable:
            lines.append("None.")
            continue
        lines += ["| case | behavior | close | code | description |", "|---|---|---|---|---|"]
        for case in notable:
            description = case["description"].replace("|", "\\|")
            if len(description) > 160:
                description = description[:157] + "..."
            code = "" if case["remoteCloseCode"] is None else str(case["remoteCloseCode"])
            lines.append(f"| {case['id']} | {case['behavior']} | {case['behaviorClose']} | {code} | {description} |")
    failures = [(label, case) for label, cases in sides for case in cases if is_failure(case)]
    lines += ["", "## Verdict", ""]
    for label, case in failures:
        lines.append(f"- FAILED {label} {case['id']}: behavior {case['behavior']}, close {case['behaviorClose']}")
    for problem in problems:
        lines.append(f"- PROBLEM {problem}")
    if not failures and not problems:
        lines.append("No case failed on either side.")
    return "\n".join(lines) + "\n", bool(failures or problems)


def main():
    parser = argparse.ArgumentParser(description="Summarise kosoku (Autobahn) reports.")
    parser.add_argument("sides", nargs="+", metavar="LABEL=REPORT_DIR")
    parser.add_argument("--output", help="also write the Markdown summary to this file")
    parser.add_argument("--expect-cases", type=int, help="number of cases each side must have run")
    parser.add_argument("--selection", default="Cases 1-10 (12.* and 13.*, permessage-deflate, excluded).",
                        help="sentence saying which cases ran")
    args = parser.parse_args()
    sides, problems = [], []
    for spec in args.sides:
        label, separator, directory = spec.partition("=")
        if not separator or not label or not directory:
            parser.error(f"expected LABEL=REPORT_DIR, got {spec!r}")
        cases, side_problems = load_side(label, directory)
        sides.append((label, cases))
        problems += side_problems
    text, failed = summarise(sides, args.expect_cases, problems, args.selection)
    sys.stdout.write(text)
    if args.output:
        os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
