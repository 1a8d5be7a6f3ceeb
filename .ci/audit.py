"""Known vulnerabilities in the installed dependencies, for CI (.ci/run):
`.venv/bin/python .ci/audit.py` runs pip-audit on the virtualenv it is run with.

Fails when pip-audit reports a known vulnerability. When packages could not be checked (the
vulnerability service cannot be reached, or does not know them) it says so loudly, with how
many, so that nobody takes it for a clean audit; that alone does not fail the build, since
the service is outside our control. `--report FILE` reads a saved `pip-audit --format json`
report instead of running pip-audit."""

import argparse
import json
import re
import subprocess
import sys

COMMAND = [sys.executable, "-m", "pip_audit", "--local", "--skip-editable", "--progress-spinner", "off",
           "--format", "json"]
# Our own project, installed editable: not on PyPI, and audited by reading its code.
EDITABLE = "distribution marked as editable"
# What pip-audit prints when it cannot reach its service at all (and writes no report).
UNREACHABLE = re.compile(r"ConnectionError|Could not connect|ServiceError|Max retries exceeded")


def summarise(report):
    """(vulnerable, not_audited, audited) from a pip-audit JSON report: "name version: id
    (fixed in …)" lines, "name: reason" lines, and the number of packages checked."""
    vulnerable, not_audited, audited = [], [], 0
    for dependency in report["dependencies"]:
        reason = dependency.get("skip_reason")
        if reason is not None:
            if reason != EDITABLE:
                not_audited.append(f"{dependency['name']}: {reason}")
            continue
        audited += 1
        for vulnerability in dependency.get("vulns", []):
            fixed = ", ".join(vulnerability.get("fix_versions", [])) or "no fixed version yet"
            vulnerable.append(f"{dependency['name']} {dependency['version']}: {vulnerability['id']} "
                              f"(fixed in {fixed})")
    return vulnerable, not_audited, audited


def loud(lines):
    bar = "!" * 78
    print("\n".join([bar, *[f"!! {line}" for line in lines], bar]))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", help="a saved `pip-audit --format json` report to read")
    args = parser.parse_args(argv)
    if args.report:
        with open(args.report) as file:
            output, errors = file.read(), ""
    else:
        result = subprocess.run(COMMAND, capture_output=True, text=True, check=False)  # noqa: S603
        output, errors = result.stdout, result.stderr
    try:
        report = json.loads(output)
    except ValueError:
        if UNREACHABLE.search(errors):
            loud(["DEPENDENCIES NOT AUDITED: pip-audit could not reach its vulnerability service.",
                  "This is not a clean audit. Run .ci/audit.py again where the service is reachable.",
                  *errors.strip().splitlines()[-3:]])
            return 0
        print(errors, file=sys.stderr)
        print("pip-audit failed without a report (see above).", file=sys.stderr)
        return 2
    vulnerable, not_audited, audited = summarise(report)
    if not_audited:
        loud([f"{len(not_audited)} OF {len(not_audited) + audited} PACKAGES WERE NOT AUDITED: the "
              "vulnerability service did not answer for them.",
              "This is not a clean audit. Run .ci/audit.py again where PyPI's JSON API is reachable.",
              *not_audited[:5], *(["…"] if len(not_audited) > 5 else [])])
    if vulnerable:
        print(f"Known vulnerabilities in {len(vulnerable)} case(s):")
        print("\n".join(f"  {line}" for line in vulnerable))
        return 1
    print(f"No known vulnerabilities in the {audited} packages audited.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
