"""The backup drill of docs/operations.md, on a system of its own: organizations and people
registered through the gateway's API and a knowledge item with a file, a backup, then changes
(more registrations, and the erasure of a person the backup holds, relayed while reporting is
stopped, so their batches wait in its queues), the system stopped, the
backup restored, the system started again: `sanphalang verify` passes, every change after the
backup is gone (each log's head is the manifest's, but for the erasure the ledger re-applied),
the person erased after the backup stays erased and unreadable, and nothing else was lost. Then
the disaster: the key store lost as well, brought back from the backup's sealed copy, and the
erased person's key is not among those it brings back."""
from __future__ import annotations

import base64
import json
import signal
import subprocess
import sys

from sqlalchemy import select

from services.chassis.database import make_engine
from services.chassis.privacy import keystore
from services.registry import BUILT_SOURCES
from services.settings import key_store_var
from tests.knowledge import item_payload
from tests.people import unique_people
from tests.support import ROOT, running_system

from .api import admin, org, register

PEOPLE = unique_people(4, seed=211)
CONSENT = {"purposes": ["network_register"], "notice_version": "2568-1", "given_on": "2025-06-01", "channel": "paper"}
HOME = {"province": "50", "district": "5001", "subdistrict": "500101", "legal_basis": "consent", "consent": CONSENT}
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _operator(system, *args: str) -> subprocess.CompletedProcess:
    """The CLI as the operator on the host runs it: with the people service's private settings
    (its key store's URL and the master key) that no other service process is given."""
    env = {**system.env, **system.private_env["people"]}
    return subprocess.run([sys.executable, "-m", "sanphalang", *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=300)


def _person(system, n: int) -> dict:
    row = {**PEOPLE[n], **HOME, "birth_year": str(PEOPLE[n]["birth_year"]), "roles": [{"role": "volunteer"}]}
    answer = admin.post(f"{system.url}/api/v1/people", json=row, timeout=30)
    assert answer.status_code == 201, answer.text
    return answer.json()


def _org(system, name: str) -> str:
    answer = register(system.url, org(name))
    assert answer.status_code == 201, answer.text
    return answer.json()["id"]


def _start_again(system) -> None:
    """Every process at once (reporting looks at a register not yet answering again next round)."""
    for service in system.SERVICES:
        system.start(service)
    system.wait_healthy()


def _heads(system) -> dict:
    with system.rpc() as rpc:
        return {source: getattr(rpc, source).head()["seq"] for source in BUILT_SOURCES}


def _erased_and_unreadable(system, person_id: str) -> None:
    assert admin.get(f"{system.url}/api/v1/people/{person_id}", timeout=30).status_code == 404
    history = admin.get(f"{system.url}/api/v1/people/{person_id}/history", timeout=30).json()
    assert history[0]["unreadable"] and history[0]["data"]["given_name"] is None
    assert history[-1]["type"] == "PersonErased"


def test_back_up_change_restore_verify_and_the_erased_stay_erased(tmp_path):
    with running_system(tmp_path / "system", "sqlite") as system:
        drill(system, tmp_path, disaster=True)


def drill(system, tmp_path, disaster: bool = False) -> None:
    """The drill on a running system (the PostgreSQL one is in tests/faults: over 30 s here)."""
    kept_org = _org(system, "กลุ่มสำรองข้อมูลบ้านหนึ่ง")
    erased_later, kept_person = _person(system, 0), _person(system, 1)
    with system.rpc() as rpc:
        item = rpc.knowledge.draft(item_payload(4))
        item = rpc.knowledge.attach(item["id"], {"name": "คู่มือ.pdf", "content": base64.b64encode(PDF).decode()},
                                    item["version"])
    system.settle()

    backup, keys = tmp_path / "backup", tmp_path / "key-copies"
    made = _operator(system, "backup", str(backup), "--keys", str(keys))
    assert made.returncode == 0, made.stderr
    manifest = json.loads((backup / "manifest.json").read_text())
    assert {name for name, d in manifest["databases"].items() if d["log"]} == {*BUILT_SOURCES, "reporting"}
    assert {source: manifest["databases"][source]["log"]["seq"] for source in BUILT_SOURCES} == _heads(system)
    sha256 = item["attachments"][0]["sha256"]
    assert list(manifest["files"]["knowledge"]["files"]) == [f"{sha256[:2]}/{sha256}"]
    held = b"".join(p.read_bytes() for p in backup.rglob("*") if p.is_file())
    for row in PEOPLE[:2]:  # the backup holds no personal value in plaintext, nor a key
        assert row["given_name"].encode() not in held and row["family_name"].encode() not in held
    assert not list(backup.rglob("*keys*")) and len(list(keys.iterdir())) == 1
    refused = _operator(system, "restore", str(backup), "--force")
    assert refused.returncode == 2 and "running" in refused.stderr

    system.kill("reporting", signal.SIGTERM)  # the changes below wait in its batch queues: a timeline replaced
    later_org, later_person = _org(system, "กลุ่มหลังสำรองข้อมูล"), _person(system, 2)
    erasure = admin.post(f"{system.url}/api/v1/people/erasures", json={"people": [erased_later["id"]]}, timeout=30)
    assert erasure.json() == {"erased": 1}
    system.stop()

    assert _operator(system, "restore", str(backup)).returncode == 2  # the target holds data: --force
    restored = _operator(system, "restore", str(backup), "--force")
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert restored.stdout.count(": ok,") == len(BUILT_SOURCES) + 1  # the registers' chains and reporting's
    _start_again(system)
    verified = system.cli("verify", timeout=300)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "batch queues emptied after a restore" in system.log("reporting")  # the stale batches never applied

    heads = _heads(system)  # the changes after the backup are gone; the erasure is re-applied on top
    assert {s: heads[s] for s in BUILT_SOURCES if s != "people"} == \
        {s: manifest["databases"][s]["log"]["seq"] for s in BUILT_SOURCES if s != "people"}
    assert heads["people"] == manifest["databases"]["people"]["log"]["seq"] + 1
    assert admin.get(f"{system.url}/api/v1/orgs/{later_org}", timeout=30).status_code == 404
    assert admin.get(f"{system.url}/api/v1/people/{later_person['id']}", timeout=30).status_code == 404
    _erased_and_unreadable(system, erased_later["id"])
    kept = admin.get(f"{system.url}/api/v1/people/{kept_person['id']}", timeout=30).json()
    assert (kept["given_name"], kept["phone"]) == (kept_person["given_name"], kept_person["phone"])
    assert admin.get(f"{system.url}/api/v1/orgs/{kept_org}", timeout=30).status_code == 200
    found = admin.get(f"{system.url}/api/v1/people", params={"q": PEOPLE[1]["given_name"]}, timeout=30).json()
    assert kept_person["id"] in [p["id"] for p in found["items"]]  # the read model rebuilt, searchable
    with system.rpc() as rpc:
        assert rpc.knowledge.attachment(item["id"], sha256)["content"]
    if disaster:
        _lose_the_key_store_too(system, backup, keys, erased_later["id"], kept_person["id"])


def _lose_the_key_store_too(system, backup, keys, erased_id: str, kept_id: str) -> None:
    """The disaster: the people database and its key store both gone. The sealed copy brings
    the keys back; with no live record of erasures left, the operator's list is required, and
    the erased person's key is not among those brought back."""
    system.stop()
    var = system.workdir / "var"
    for lost in [*var.glob("people.sqlite*"), *var.glob("people_keys.sqlite*")]:
        lost.unlink()
    unknown = _operator(system, "restore", str(backup), "--force", "--keys", str(keys))
    assert unknown.returncode == 2 and "--erasures" in unknown.stderr
    erasures = system.workdir / "erasures.txt"
    erasures.write_text(f"# from the requests register\n{erased_id}\n")
    restored = _operator(system, "restore", str(backup), "--force", "--keys", str(keys), "--erasures", str(erasures))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    engine = make_engine(system.private_env["people"][key_store_var("people")])
    with engine.connect() as conn:
        keyed = set(conn.execute(select(keystore.subject_keys.c.subject)).scalars())
        ledger = set(conn.execute(select(keystore.erasures.c.subject)).scalars())
    engine.dispose()
    assert kept_id in keyed and erased_id not in keyed and erased_id in ledger
