"""The services in deploy/systemd as systemd reads them, and the scheduled load's report: logged on
standard output (the journal) and mailed, with the outcome in the subject and the load's exit code."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNITS = sorted((ROOT / "deploy" / "systemd").iterdir())


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_systemd_reads_every_unit_without_a_complaint(tmp_path):
    for unit in UNITS:  # the units name /opt/sid-dashboard: point them at this checkout
        text = unit.read_text().replace("/opt/sid-dashboard", str(ROOT))
        (tmp_path / unit.name).write_text(text)
    (tmp_path / "sid-dashboard@8501.service").symlink_to(tmp_path / "sid-dashboard@.service")
    names = [str(tmp_path / u.name) for u in UNITS if u.name != "sid-dashboard@.service"]
    out = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(tmp_path / "sid-dashboard@8501.service"),
         *names],
        capture_output=True, text=True, env={**os.environ, "SYSTEMD_LOG_LEVEL": "warning"},
    )  # fmt: skip
    complaints = [line for line in (out.stdout + out.stderr).splitlines()
                  if "sid-" in line and "/etc/sid-dashboard/env" not in line]  # fmt: skip
    assert not complaints, "\n".join(complaints)


def test_a_failed_load_is_logged_and_mailed_and_fails_the_unit(tmp_path):
    mailbox = tmp_path / "mail.txt"
    sendmail = tmp_path / "sendmail"
    sendmail.write_text(f'#!/bin/sh\necho "ARGS: $*" >> {mailbox}\ncat >> {mailbox}\n')
    sendmail.chmod(0o755)
    missing = tmp_path / "no-such-folder"
    run = subprocess.run(
        [ROOT / "deploy" / "bin" / "sid-etl"],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "SID_PYTHON": sys.executable, "SID_SOURCE": str(missing),
             "SID_WAREHOUSE": str(tmp_path / "warehouse.duckdb"),
             "SID_REPORT_MAILTO": "data-team@council.example", "SID_SENDMAIL": str(sendmail)},
    )  # fmt: skip
    assert run.returncode != 0
    assert str(missing) in run.stdout  # the load's own message, in the journal
    assert "load FAILED" in run.stdout
    mail = mailbox.read_text()
    assert "ARGS: -t" in mail and "To: data-team@council.example" in mail
    assert "Subject: School improvement dashboard: load FAILED" in mail
    assert str(missing) in mail  # the same report, mailed
    assert not (tmp_path / "warehouse.duckdb").exists()  # nothing half-made left behind


def test_without_a_source_folder_the_load_refuses_to_start(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "SID_SOURCE"}
    run = subprocess.run([ROOT / "deploy" / "bin" / "sid-etl"], capture_output=True, text=True,
                         env={**env, "SID_PYTHON": sys.executable})  # fmt: skip
    assert run.returncode != 0 and "SID_SOURCE" in run.stderr
