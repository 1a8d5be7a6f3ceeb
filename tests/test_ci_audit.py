""".ci/audit.py, CI's dependency audit: a known vulnerability fails the build; packages the
vulnerability service could not check are announced loudly, never passed off as a clean audit.
The reports below have the shape `pip-audit --format json` (2.10) writes."""

import importlib.util
import json
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / ".ci" / "audit.py"
spec = importlib.util.spec_from_file_location("ci_audit", SCRIPT)
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)

OUR_PROJECT = {"name": "jiuxiao", "skip_reason": "distribution marked as editable"}
DJANGO_CLEAN = {"name": "django", "version": "5.2.19", "vulns": []}
DJANGO_VULNERABLE = {"name": "django", "version": "5.2.19", "vulns": [
    {"id": "PYSEC-2099-1", "fix_versions": ["5.2.20"], "aliases": ["CVE-2099-0001"], "description": "…"},
]}
NOT_FOUND = {"name": "wagtail", "skip_reason": "Dependency not found on PyPI and could not be audited: "
                                                "wagtail (7.4.4)"}


def run(tmp_path, capsys, *dependencies):
    report = tmp_path / "report.json"
    report.write_text(json.dumps({"dependencies": list(dependencies), "fixes": []}))
    code = audit.main(["--report", str(report)])
    return code, capsys.readouterr().out


def test_a_clean_audit_passes(tmp_path, capsys):
    code, out = run(tmp_path, capsys, DJANGO_CLEAN, OUR_PROJECT)
    assert code == 0
    assert "No known vulnerabilities in the 1 packages audited." in out
    assert "NOT AUDITED" not in out  # our own editable project is not a gap


def test_a_known_vulnerability_fails(tmp_path, capsys):
    code, out = run(tmp_path, capsys, DJANGO_VULNERABLE, OUR_PROJECT)
    assert code == 1
    assert "django 5.2.19: PYSEC-2099-1 (fixed in 5.2.20)" in out


def test_packages_not_audited_are_announced_without_failing(tmp_path, capsys):
    code, out = run(tmp_path, capsys, DJANGO_CLEAN, NOT_FOUND, OUR_PROJECT)
    assert code == 0
    assert "1 OF 2 PACKAGES WERE NOT AUDITED" in out
    assert "This is not a clean audit." in out
    assert "wagtail: Dependency not found on PyPI" in out


def test_a_vulnerability_still_fails_when_other_packages_were_not_audited(tmp_path, capsys):
    code, out = run(tmp_path, capsys, DJANGO_VULNERABLE, NOT_FOUND)
    assert code == 1
    assert "1 OF 2 PACKAGES WERE NOT AUDITED" in out


@pytest.mark.parametrize("stderr, expected", [
    ("requests.exceptions.ConnectionError: HTTPSConnectionPool(host='pypi.org', port=443): "
     "Max retries exceeded with url: /pypi/django/5.2.19/json", 0),
    ("ModuleNotFoundError: No module named 'pip_audit'", 2),
])
def test_without_a_report_only_an_unreachable_service_is_let_through(monkeypatch, capsys, stderr, expected):
    # pip-audit stand-in: no report on stdout, the given error on stderr.
    monkeypatch.setattr(audit, "COMMAND", [sys.executable, "-c", f"import sys; sys.exit({stderr!r})"])
    assert audit.main([]) == expected
    out = capsys.readouterr().out
    assert ("DEPENDENCIES NOT AUDITED" in out) == (expected == 0)
