"""The logs of a running system, after bad input carrying values that must never be logged: a
Thai organization name, a 3,000-row batch and a 3,000-row import file each with one bad type,
a wrong password, a bogus token, a search. Every process writes JSON lines (time, level,
service...), none holds a marker, the password or a token, expected outcomes are coded INFO
or WARNING lines (no ERROR, no traceback), and the CLI prints nothing but its own output."""
from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import uuid

import pytest
import requests

from services.contracts.orgs.sheet import SHEET
from services.registry import PROCESSES
from tests.support import ROOT, running_system

from .api import admin, org, wait_for

MARK = uuid.uuid4().hex[:8]
NAME = f"กลุ่มทดสอบรั่ว-{MARK}"  # in every bad request
PASSWORD = f"รหัสผิด-{MARK}-Wrong!"
BOGUS = f"sp_bogus{MARK}token"
ROWS = 3000
BAD_ROW = 1502  # the import's sheet row with an unknown type (a header row, then the data from row 2)
BAD_ITEM = 1500  # the batch's item with an unknown type (first_row 1: row 1501)
TH = {c.field: c.th for c in SHEET.columns}


@pytest.fixture(scope="module")
def logged(tmp_path_factory):
    """One system (SQLite), its processes told to write JSON; the bad input of the module sent
    once; then the system stopped (its shutdown lines are read too) and every log read."""
    json_logs = {name: {"SANPHALANG_LOG_FORMAT": "json"} for name in PROCESSES}
    with running_system(tmp_path_factory.mktemp("system-logs"), "sqlite", **json_logs) as system:
        answers = _bad_input(system)
        answers["cli"] = _cli(system)
        system.stop()
        yield system, answers, {name: system.log(name) for name in PROCESSES}


def _bad_input(system) -> dict:
    url, answers = system.url, {}
    answers["bad province"] = admin.post(f"{url}/api/v1/orgs", json=org(NAME, province="99"), timeout=30)
    items = [org(f"{NAME} {n}") for n in range(ROWS)]
    items[BAD_ITEM]["type"] = "club"
    answers["batch"] = admin.post(f"{url}/api/v1/orgs/batch", json={"items": items, "first_row": 1}, timeout=60)
    answers["not found"] = admin.get(f"{url}/api/v1/orgs/{uuid.uuid4()}", timeout=30)
    answers["search"] = admin.get(f"{url}/api/v1/orgs", params={"q": NAME, "per_page": 5}, timeout=30)
    answers["bogus token"] = requests.get(f"{url}/api/v1/orgs", params={"q": NAME},
                                          headers={"Authorization": f"Bearer {BOGUS}"}, timeout=30)
    answers["sign-in"] = _wrong_password(url)
    answers["import"] = _import(system)
    # the job's last line is written just after its status: wait for it
    wait_for(lambda: "import job" in system.log("gateway"), timeout=30)
    return answers


def _wrong_password(url: str) -> requests.Response:
    session = requests.Session()
    page = session.get(f"{url}/sign-in", timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return session.post(f"{url}/sign-in", data={"username": "admin", "password": PASSWORD, "csrf_token": token},
                        timeout=30, allow_redirects=False)


def _import(system) -> dict:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([TH[f] for f in ("name", "type", "province", "district", "subdistrict", "members")])
    for n in range(ROWS):
        writer.writerow([f"{NAME} แถว {n}", "club" if n + 2 == BAD_ROW else "savings_group", "50", "5001", "500101", 10])
    answer = admin.post(f"{system.url}/api/v1/orgs/imports", files={"file": ("orgs.csv", out.getvalue().encode())},
                        timeout=60)
    assert answer.status_code == 202, answer.text
    location = answer.headers["Location"]
    job_url = location if location.startswith("http") else system.url + location

    def finished():
        job = admin.get(job_url, timeout=10).json()
        return job if job["status"] in ("done", "failed") else None

    job, _ = wait_for(finished, timeout=120, step=0.2)
    return job


def _cli(system) -> dict:
    """`python -W default -m sanphalang ...`: what users see, stdout and stderr apart."""
    def run(*args):
        done = subprocess.run([sys.executable, "-W", "default", "-m", "sanphalang", *args], env=system.env, cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        return done.returncode, done.stdout, done.stderr

    return {"help": run("--help"), "health": run("health", "orgs"), "users": run("users", "list")}


def _lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_the_bad_input_got_its_answers(logged):
    _system, answers, _logs = logged
    assert answers["bad province"].status_code == 422, answers["bad province"].text
    assert answers["batch"].status_code == 422, answers["batch"].text
    assert answers["not found"].status_code == 404
    assert answers["search"].status_code == 200
    assert answers["bogus token"].status_code == 401
    assert answers["sign-in"].status_code in (200, 401, 422)  # the form again, with its problem
    assert answers["import"]["status"] == "failed"
    assert [(p["row"], p["field"]) for p in answers["import"]["problems"]] == [(BAD_ROW, "type")], answers["import"]


def test_every_line_of_every_process_is_json_with_time_level_and_service(logged):
    _system, _answers, texts = logged
    for name, text in texts.items():
        assert text.strip(), f"{name} wrote nothing"
        for number, raw in enumerate(text.splitlines(), 1):
            if not raw.strip():
                continue
            try:
                line = json.loads(raw)
            except ValueError:
                pytest.fail(f"{name}.log line {number} is not JSON: {raw[:300]}")
            assert {"time", "level", "service", "logger", "message", "request"} <= set(line), (name, line)
            assert line["service"] == name and line["time"].endswith("Z")


def test_no_line_holds_a_marker_the_password_or_a_token(logged):
    system, _answers, texts = logged
    secrets = [NAME, MARK, PASSWORD, BOGUS, system.admin_token, "Bearer"]
    for name, text in texts.items():
        decoded = json.dumps(_lines(text), ensure_ascii=False)  # \u escapes undone, whatever the encoder did
        for secret in secrets:
            assert secret not in text and secret not in decoded, f"{name}.log holds {secret!r}"


def test_expected_outcomes_are_coded_lines_not_errors_or_tracebacks(logged):
    _system, _answers, texts = logged
    for name, text in texts.items():
        assert "Traceback" not in text, f"{name}.log has a traceback"
        errors = [line for line in _lines(text) if line["level"] in ("ERROR", "CRITICAL")]
        assert not errors, errors
    orgs = _lines(texts["orgs"])
    [batch] = [line for line in orgs if line.get("entrypoint") == "orgs.register_batch" and "outcome" in line]
    assert batch["level"] == "INFO" and batch["code"] == "validation_failed"
    assert batch["fields"] == ["type"] and batch["rows"] == [BAD_ITEM + 1] and isinstance(batch["duration_ms"], float)
    assert any(line.get("entrypoint") == "orgs.check_rows" and line.get("outcome") == "ok" for line in orgs)


def test_the_import_of_a_bad_row_is_one_line_with_its_code_and_row(logged):
    _system, answers, texts = logged
    [job] = [line for line in _lines(texts["gateway"]) if line["logger"] == "gateway.imports"]
    assert job["level"] in ("INFO", "WARNING") and job["status"] == "failed"
    assert job["codes"] == [answers["import"]["problems"][0]["code"]] and job["fields"] == ["type"]
    assert job["rows"] == [BAD_ROW] and job["counts"]["rejected"] == 1
    assert job["job"] == answers["import"]["id"]


def test_the_gateway_writes_one_line_per_request_with_route_status_and_role(logged):
    _system, _answers, texts = logged
    requests_ = [line for line in _lines(texts["gateway"]) if line["logger"] == "gateway.access"]
    by = {(line["method"], line["route"], line["status"]): line for line in requests_}
    refused = by[("GET", "/api/v1/orgs", 401)]
    assert refused["level"] == "WARNING" and refused["code"] == "sign_in_required" and refused["role"] == "public"
    rejected = by[("POST", "/api/v1/orgs", 422)]
    assert rejected["role"] == "admin" and rejected["code"] == "validation_failed" and rejected["request"]
    assert by[("GET", "/api/v1/orgs", 200)]["level"] == "INFO"
    assert ("POST", "/sign-in", _answers["sign-in"].status_code) in by


def test_the_cli_prints_only_its_own_output(logged):
    _system, answers, _texts = logged
    for command, (code, out, err) in answers["cli"].items():
        assert err == "", f"{command} printed on stderr: {err[:500]}"
    assert answers["cli"]["help"][1].startswith("Usage:")
    assert answers["cli"]["health"][:2] == (0, "ok\n")
    assert "admin\tadmin" in answers["cli"]["users"][1]
