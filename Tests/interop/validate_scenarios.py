"""Validates scenario files against scenarios/scenario.schema.json (JSON Schema 2020-12).

Usage: validate_scenarios.py SCHEMA FILE...
Prints one line per file, "ok NAME" or "invalid NAME: reason", and exits 1 if any is invalid.
"""
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)
failed = False
for path in sys.argv[2:]:
    errors = sorted(validator.iter_errors(json.load(open(path))), key=lambda e: list(e.path))
    if errors:
        failed = True
        print(f"invalid {path}: {errors[0].message}")
    else:
        print(f"ok {path}")
sys.exit(1 if failed else 0)
