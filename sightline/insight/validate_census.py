"""Validate a CIN census XML file by DfE's own rules (the open-source csc-validator-be-cin).

Runs inside its own virtual environment, never Sightline's (the validator pins pandas 1.5 and
numpy below 2):

    make cin-validator
    .venv-cin/bin/python sightline/insight/validate_census.py FILE --ruleset cin2025_26

Prints a JSON list of issues, one per rule and child (rule code, type ERROR or QUERY, the
child's LA child ID, or null for a return-level rule, the tables and fields, DfE's message),
and exits 1 when any issue is an ERROR (or a rule could not run), 0 otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import json
import re
import sys
from pathlib import Path
from typing import Any

# Run as a script, this file's folder (the insight app) comes first on the path, where its
# `selectors.py` would stand in for the standard library's `selectors` that the validator's
# own imports (subprocess, through pandas) need.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [entry for entry in sys.path if Path(entry or ".").resolve() != _HERE]

_CRASH = re.compile(r"^Error with rule (\S+): (.*)$")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value)
    return None if text in ("", "nan", "None", "<NA>", "NaT") else text


def validate(path: str, ruleset: str) -> list[dict[str, Any]]:
    import cin_validator.cin_validator as cin  # type: ignore[import-not-found]

    registry = importlib.import_module(f"cin_validator.rules.{ruleset}").registry
    # Parsed by defusedxml: a file handed to the command may not be Sightline's own export,
    # and no entity or DTD in it is expanded.
    from defusedxml.ElementTree import parse  # type: ignore[import-untyped]

    root = parse(path, forbid_dtd=True).getroot()
    data = cin.process_data(cin.convert_data(root))
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        validator = cin.CinValidator(data, registry)

    issues: dict[tuple[str, str | None], dict[str, Any]] = {}

    def add(code: Any, child: Any, table: Any = None, column: Any = None) -> None:
        code = str(code)
        rule = registry.get(code)
        key = (code, _text(child))
        issue = issues.setdefault(
            key,
            {
                "rule": code,
                "type": rule.rule_type.name if rule is not None else "ERROR",
                "child": _text(child),
                "tables": [],
                "fields": [],
                "message": (rule.message if rule is not None else "") or "",
            },
        )
        for name, value in (("tables", table), ("fields", column)):
            text = _text(value)
            if text and text not in issue[name]:
                issue[name].append(text)

    for row in validator.full_issue_df.to_dict("records"):
        add(row.get("rule_code"), row.get("child_id"), row.get("tables_affected"),
            row.get("columns_affected"))  # fmt: skip
    for row in validator.multichild_issues.to_dict("records"):
        add(row.get("rule_code"), None)
    for line in printed.getvalue().splitlines():
        crash = _CRASH.match(line.strip())
        if crash:
            issues[(crash.group(1), "crash")] = {
                "rule": crash.group(1),
                "type": "ERROR",
                "child": None,
                "tables": [],
                "fields": [],
                "message": f"The rule could not run on this file: {crash.group(2)}",
            }
    return sorted(issues.values(), key=lambda i: (i["type"], i["rule"], i["child"] or ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", help="The census XML file")
    parser.add_argument("--ruleset", default="cin2025_26", help="For example cin2025_26")
    options = parser.parse_args(argv)
    issues = validate(options.file, options.ruleset)
    json.dump(issues, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 1 if any(issue["type"] == "ERROR" for issue in issues) else 0


if __name__ == "__main__":
    sys.exit(main())
