"""Dead letters (issue 16), on the real broker: a batch reporting cannot decode or apply is
kept in its queue's dead letter queue, listed by `sanphalang dead-letters list` without its
content, and sent back by `redrive`; the projection meanwhile stays equal to the registers,
refilled from their logs. A poison RPC request is rejected without killing its service."""
from __future__ import annotations

import hashlib
import json
import subprocess

import orjson
import pytest
from kombu import Connection, Exchange, Producer

from services.chassis import deadletters
from services.chassis.broker import BatchPublisher, batch_queue
from services.chassis.relay import batch_message
from services.chassis.wire import CONTENT_ENCODING, CONTENT_TYPE
from tests.support import running_system

from .api import nation_value, org, register, wait_for

QUEUE = batch_queue("orgs")


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    """A system of its own, on classic queues (the development default): its dead letters are
    this module's alone. Quorum queues, as deployed, are tested under the deployed broker
    definitions and users (tests/system/test_broker_users.py)."""
    with running_system(tmp_path_factory.mktemp("dead-letters"), "sqlite") as running:
        yield running


def publish_batch(system, body: bytes) -> str:
    """One batch on orgs' exchange, as the relay publishes it; returns its hash as listed."""
    publish = BatchPublisher(system.env["SANPHALANG_AMQP_URI"], "orgs")
    try:
        publish(body)
    finally:
        publish.close()
    return hashlib.sha256(body).hexdigest()[:16]


def letters(system) -> dict:
    done = system.cli("dead-letters", "list", "--queue", QUEUE, "--limit", "100", "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def letter(system, sha: str, deaths: int = 1) -> dict:
    """The dead letter with hash `sha` once it has died `deaths` times."""
    found = []
    wait_for(lambda: found.extend(x for x in letters(system)["letters"]
                                  if x["sha256"] == sha and x["deaths"] >= deaths) or found, timeout=20)
    return found[0]


def settled_with_a_new_organization(system, name: str) -> None:
    """A registration after the poison still reaches the indicators, and reporting's position
    equals every register's head: the projection is whole."""
    before = nation_value(system.url)
    assert register(system.url, org(name)).status_code == 201
    wait_for(lambda: nation_value(system.url) == before + 1, timeout=20)
    system.settle(timeout=30)


def test_a_batch_that_is_not_json_is_kept_and_listed_without_its_content(system):
    body = b'{"source": "orgs", "first": 1, "last": not json'
    found = letter(system, publish_batch(system, body))
    sha = found["sha256"]
    assert found["queue"] == QUEUE and found["reason"] == "rejected"
    assert found["exchange"] == "orgs.events" and found["routing_keys"] == ["batch"]
    assert found["first_death"].endswith("Z") and found["bytes"] == len(body)
    assert "source" not in found and "first" not in found  # it never decoded: a hash and a size only
    listed = system.cli("dead-letters", "list")
    assert listed.returncode == 0 and f"sha256:{sha}" in listed.stdout and "not json" not in listed.stdout
    assert "message_rejected" in system.log("reporting") and "not json" not in system.log("reporting")
    settled_with_a_new_organization(system, "กลุ่มหลังข้อความเสีย")


def test_a_batch_of_corrupt_events_is_kept_and_the_projection_refilled_from_the_log(system):
    system.settle()
    with system.rpc() as rpc:
        head = rpc.orgs.head()["seq"]
        last = rpc.orgs.events_since(head - 1, 1)[0]
    # the next seq, but linked to the wrong event and with its data changed: a forged feed
    forged = {**last, "seq": head + 1, "data": {**last["data"], "members": 9999}}
    sha = publish_batch(system, orjson.dumps(batch_message("orgs", [forged])))
    found = letter(system, sha)
    assert (found["source"], found["first"], found["last"], found["events"]) == ("orgs", head + 1, head + 1, 1)
    settled_with_a_new_organization(system, "กลุ่มหลังชุดปลอม")
    with system.rpc() as rpc:
        assert rpc.reporting.positions()["orgs"] == rpc.orgs.head()["seq"] == head + 1


def test_redrive_sends_poison_back_to_die_again_and_a_good_batch_to_be_consumed(system):
    """Every letter waiting goes back: this module's poison dies again, a batch that is fine
    (here one reporting has applied already, as the forged one above has become) is consumed."""
    poison = publish_batch(system, b"[1, 2, 3]")
    letter(system, poison)
    with system.rpc() as rpc:  # a batch reporting has applied already: fine to consume again
        good = orjson.dumps(batch_message("orgs", rpc.orgs.events_since(0, 1)))
    dead_letter(system, good)
    good_sha = hashlib.sha256(good).hexdigest()[:16]
    letter(system, good_sha, deaths=0)
    waiting = letters(system)["depths"][QUEUE]

    done = system.cli("dead-letters", "redrive", "--queue", QUEUE)
    assert done.returncode == 0, done.stderr
    assert f"{QUEUE}: {waiting} dead letters sent back" in done.stdout
    assert letter(system, poison, deaths=2)["reason"] == "rejected"  # still poison: dead again
    wait_for(lambda: all(x["sha256"] != good_sha for x in letters(system)["letters"]), timeout=20)
    assert letters(system)["depths"][QUEUE] < waiting
    system.settle()


def dead_letter(system, body: bytes) -> None:
    """`body` straight into orgs' dead letter queue, as if it had died there before."""
    with Connection(system.env["SANPHALANG_AMQP_URI"], transport_options={"confirm_publish": True}) as connection:
        Producer(connection.channel()).publish(
            body, exchange=deadletters.EXCHANGE, routing_key=QUEUE, content_type=CONTENT_TYPE,
            content_encoding=CONTENT_ENCODING, delivery_mode=2)


def test_the_queues_carry_their_dead_letter_arguments(system):
    listed = subprocess.run(["rabbitmqctl", "-q", "list_queues", "-p", system.vhost, "name", "type", "arguments"],
                            capture_output=True, text=True, check=True).stdout
    rows = {line.split("\t")[0]: line.split("\t")[1:] for line in listed.splitlines()}
    for queue in deadletters.consumed_queues():
        assert rows[queue][0] == "classic", rows[queue]
        assert deadletters.EXCHANGE in rows[queue][1]
        assert rows[deadletters.dead_letter_queue(queue)][0] == "classic"


@pytest.mark.parametrize("body, properties", [
    (b"{not json", {"reply_to": "nobody"}),
    (b'{"args": [], "kwargs": {}}', {}),  # nameko would answer it, and die of it
], ids=["undecodable", "no_reply_to"])
def test_a_poison_rpc_request_is_rejected_and_the_service_lives_on(system, body, properties):
    rejected = system.log("orgs").count("message_rejected")
    with Connection(system.env["SANPHALANG_AMQP_URI"]) as connection:
        Producer(connection.channel()).publish(
            body, exchange=Exchange("nameko-rpc", type="topic", durable=True), routing_key="orgs.health",
            content_type=CONTENT_TYPE, content_encoding=CONTENT_ENCODING, **properties)
    wait_for(lambda: system.log("orgs").count("message_rejected") == rejected + 1, timeout=10)
    with system.unsigned_rpc() as rpc:
        assert rpc.orgs.health()["database"]
    assert system.processes["orgs"].poll() is None
