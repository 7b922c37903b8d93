"""Parses a Prometheus text exposition with prometheus_client's own parser (code no one here wrote) and prints
what it understood as JSON: every family with its type and help, and every sample with its labels and value.
Exits non-zero (with the parser's error on stderr) if the text does not parse.

Usage: parse_prometheus.py FILE
"""
import json
import math
import sys

from prometheus_client.parser import text_string_to_metric_families


def value(number):
    # JSON has no infinities; none of chatserver's samples should be one, but say so if they are.
    return number if math.isfinite(number) else str(number)


def main():
    with open(sys.argv[1], encoding="utf-8") as file:
        text = file.read()
    families = []
    for family in text_string_to_metric_families(text):
        families.append({
            "name": family.name,
            "type": family.type,
            "help": family.documentation,
            "samples": [{"name": s.name, "labels": s.labels, "value": value(s.value)} for s in family.samples],
        })
    json.dump(families, sys.stdout, sort_keys=True)


if __name__ == "__main__":
    main()
