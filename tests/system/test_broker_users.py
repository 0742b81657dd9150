"""Least privilege on the broker (issue 12), on the real RabbitMQ: each process connects as its
own user with exactly the permissions of deploy/rabbitmq/definitions.json, and it still works;
what the definitions do not grant, the broker refuses (403 ACCESS_REFUSED).

The definitions are imported as they are, into a throwaway vhost and with the user names
prefixed (users are global to the broker), and deploy/rabbitmq/set-passwords.py gives the users
random passwords from their AMQP URIs, as the rabbitmq-users service does in compose. The
guest user gets no permission on that vhost, so no process can fall back on it."""
from __future__ import annotations

import base64
import hashlib
import http.server
import json
import secrets
import shutil
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import quote

import pytest
import requests
from amqp.exceptions import AccessRefused
from kombu import Connection, Exchange, Queue
from nameko.rpc import RPC_QUEUE_TEMPLATE, RPC_REPLY_QUEUE_TEMPLATE, get_rpc_exchange
from nameko.standalone.rpc import StandaloneProxyBase

from sanphalang.status import listener_queue
from services.chassis import deadletters
from services.chassis.broker import BATCH, batch_queue, events_exchange
from services.chassis.errors import CommandRejected
from services.chassis.heartbeat import EXCHANGE as STATUS
from services.registry import GATEWAY, PROCESSES, SOURCES
from tests.knowledge import campaign_payload
from tests.people import unique_people
from tests.support import ROOT, System

from .api import nation_value, register, wait_for

DEFINITIONS = ROOT / "deploy" / "rabbitmq" / "definitions.json"
SET_PASSWORDS = ROOT / "deploy" / "rabbitmq" / "set-passwords.py"
OPERATOR = "operator"  # the CLI's user
RPC_EXCHANGE = get_rpc_exchange({}).name
STANDALONE = StandaloneProxyBase.ServiceContainer.service_name  # the gateway's and the CLI's proxies
CTL = shutil.which("rabbitmqctl")

pytestmark = pytest.mark.skipif(CTL is None, reason="rabbitmqctl is needed to create users and a vhost")


def ctl(*args: str, stdin: str | None = None) -> str:
    done = subprocess.run([CTL, "-q", *args], input=stdin, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"rabbitmqctl {args[0]}: {done.stderr}"
    return done.stdout


@dataclass
class Broker:
    vhost: str
    users: dict[str, str]  # definitions' user name -> the user made for this run
    uris: dict[str, str]  # definitions' user name -> its AMQP URI, password percent-encoded


def for_this_run(definitions: dict, vhost: str, prefix: str) -> dict:
    """The definitions with vhost "/" replaced by `vhost` and every user name prefixed."""
    assert {v["name"] for v in definitions["vhosts"]} == {"/"}
    assert not definitions["parameters"] and not definitions["policies"], "rewrite their vhost too"

    def moved(entries, **changes):
        return [{**entry, "vhost": vhost, **{k: f(entry) for k, f in changes.items()}} for entry in entries]

    user = {"user": lambda entry: prefix + entry["user"]}
    return {
        **definitions,
        "users": [{**u, "name": prefix + u["name"]} for u in definitions["users"]],
        "vhosts": [{"name": vhost}],
        "permissions": moved(definitions["permissions"], **user),
        "topic_permissions": moved(definitions["topic_permissions"], **user),
        "exchanges": moved(definitions["exchanges"]),
        "queues": moved(definitions["queues"]),
        "bindings": moved(definitions["bindings"]),
    }


def wait_imported(vhost: str, definitions: dict, timeout: float = 60) -> None:
    """rabbitmqctl import_definitions returns before the import is done; bindings come last."""
    expected = {(b["source"], b["destination"]) for b in definitions["bindings"]}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        listed = {tuple(line.split("\t")[:2]) for line in
                  ctl("list_bindings", "-p", vhost, "source_name", "destination_name").splitlines()[1:]}
        if expected <= listed:
            return
        time.sleep(0.2)
    raise AssertionError(f"definitions not imported into {vhost} within {timeout} s")


@pytest.fixture(scope="module")
def broker():
    definitions = json.loads(DEFINITIONS.read_text())
    run = uuid.uuid4().hex[:10]
    vhost, prefix = f"sp-test-{run}", f"sp-test-{run}-"
    mine = for_this_run(definitions, vhost, prefix)
    users = {u["name"]: prefix + u["name"] for u in definitions["users"]}
    try:
        ctl("import_definitions", stdin=json.dumps(mine))  # from stdin: the CLI may not read our temp dir
        wait_imported(vhost, mine)
        # Reserved characters too, percent-encoded in the URIs as operators are told to.
        passwords = {name: secrets.token_hex(12) + "/@:+%-" for name in users}
        uris = {name: f"amqp://{quote(user, safe='')}:{quote(passwords[name], safe='')}"
                      f"@127.0.0.1:5672/{quote(vhost, safe='')}" for name, user in users.items()}
        # As the rabbitmq-users service runs it: rabbitmqctl, one <NAME>_AMQP_URI per user.
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
               **{f"{name.upper()}_AMQP_URI": uri for name, uri in uris.items()}}
        done = subprocess.run([sys.executable, str(SET_PASSWORDS)], env=env, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stderr
        assert sorted(line.split(":")[0] for line in done.stdout.splitlines()) == sorted(users.values())
        for password in passwords.values():
            assert password not in done.stdout + done.stderr
        yield Broker(vhost, users, uris)
    finally:  # at once: each rabbitmqctl starts an Erlang VM of its own (a second or more)
        cleanup = [subprocess.Popen([CTL, "-q", *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                   for args in (("delete_vhost", vhost), *(("delete_user", user) for user in users.values()))]
        for process in cleanup:
            process.wait(120)


@pytest.fixture(scope="module")
def system(broker, tmp_path_factory):
    """Every service and the gateway, each as its own broker user; the CLI as `operator`."""
    workdir = tmp_path_factory.mktemp("system-broker-users")
    running = System(workdir, broker.uris[OPERATOR], {}, SANPHALANG_QUEUE_TYPE="quorum")
    try:
        yield running.start_all(**{name: {"SANPHALANG_AMQP_URI": broker.uris[name]} for name in PROCESSES})
    finally:
        running.stop()


# --- the processes work under their own users ---------------------------------------------------


def test_every_process_is_up_and_connected_as_its_own_user(broker, system):
    health = requests.get(f"{system.url}/health", timeout=10)
    assert health.status_code == 200, health.text
    connected = {line.split("\t")[1] for line in ctl("list_connections", "vhost", "user").splitlines()[1:]
                 if line.split("\t")[0] == broker.vhost}
    assert {broker.users[name] for name in PROCESSES} <= connected
    assert connected <= set(broker.users.values()), "only the definitions' users can connect"


def test_an_organization_registered_through_the_gateway_reaches_the_indicators(system):
    """gateway → orgs (RPC), orgs → orgs.events (relay) → reporting (batch queue), reporting →
    orgs (catch-up RPC), gateway → reporting (RPC): every path, each under its own user."""
    before = nation_value(system.url)
    created = register(system.url)
    assert created.status_code == 201, created.text
    wait_for(lambda: nation_value(system.url) == before + 1, timeout=15)


def test_knowledge_asks_people_under_its_own_user(system):
    """knowledge → people.public_names (RPC, signed as itself, through a reply queue of its
    own): a campaign naming a listed person is registered, one naming nobody listed is refused."""
    with system.rpc() as rpc:
        person = rpc.people.register({**unique_people(1, seed=131)[0], "roles": [{"role": "online_worker"}]})
        campaign = rpc.knowledge.register_campaign(campaign_payload(1, workers=[person["id"]]))
        assert campaign["workers"] == [person["id"]]
        with pytest.raises(CommandRejected) as refused_campaign:
            rpc.knowledge.register_campaign(campaign_payload(2, workers=["00000000-0000-4000-8000-000000000000"]))
        assert [p["code"] for p in refused_campaign.value.problems] == ["unknown_person"]


def test_each_services_health_probe_works_under_its_own_user(broker, system):
    """`sanphalang health <service>` runs in the service's container with its credentials."""
    for name in (n for n in PROCESSES if n != GATEWAY):
        done = subprocess.run(
            [sys.executable, "-m", "sanphalang", "health", name], cwd=ROOT, capture_output=True, text=True,
            env={**system.env, "SANPHALANG_AMQP_URI": broker.uris[name]}, timeout=60)
        assert done.returncode == 0, (name, done.stdout, done.stderr)


def test_the_cli_calls_the_services_as_operator(broker, system):
    assert system.env["SANPHALANG_AMQP_URI"] == broker.uris[OPERATOR]
    for name in (n for n in PROCESSES if n != GATEWAY):
        done = system.cli("health", name, timeout=60)
        assert done.returncode == 0, (name, done.stdout, done.stderr)


# --- and nothing more ---------------------------------------------------------------------------


@contextmanager
def channel(uri: str):
    with Connection(uri, transport_options={"confirm_publish": True}) as connection:
        connection.ensure_connection(max_retries=3)
        yield connection.channel()


def consume(uri: str, queue: str) -> None:
    with channel(uri) as ch:
        ch.basic_consume(queue=queue, callback=lambda message: None)


def publish(uri: str, exchange: str, routing_key: str) -> None:
    """One message, waiting for the broker's confirm (so a refusal surfaces here)."""
    with channel(uri) as ch:
        ch.basic_publish(ch.prepare_message(b"{}", content_type="application/json"), exchange=exchange,
                         routing_key=routing_key)


def bind_reply_queue(uri: str, routing_key: str) -> None:
    """Declare a queue named like the caller's reply queues and bind it to the RPC exchange."""
    with channel(uri) as ch:
        exchange = Exchange(RPC_EXCHANGE, type="topic", durable=True)
        queue = Queue(RPC_REPLY_QUEUE_TEMPLATE.format(STANDALONE, uuid.uuid4()), exchange,
                      routing_key=routing_key, queue_arguments={"x-expires": 10_000})
        queue(ch).declare()


def refused(action, *args) -> None:
    with pytest.raises(AccessRefused) as raised:
        action(*args)
    assert raised.value.code == 403, raised.value


def events(source: str) -> str:
    return events_exchange(source).name


def test_a_source_reads_no_other_services_queue_and_publishes_no_other_sources_events(broker, system):
    orgs = broker.uris["orgs"]
    refused(consume, orgs, RPC_QUEUE_TEMPLATE.format("reporting"))
    refused(consume, orgs, batch_queue("orgs"))
    refused(publish, orgs, events("people"), BATCH)
    refused(publish, orgs, RPC_EXCHANGE, "reporting.replay")  # topic permission: it calls no one
    refused(bind_reply_queue, orgs, "reporting.*")  # nor listens to another service's requests
    publish(orgs, events("orgs"), "not-bound")  # control: its own exchange it may publish to


def test_knowledge_calls_no_other_rpc_of_people_nor_anyone_else(broker, system):
    knowledge = broker.uris["knowledge"]
    refused(publish, knowledge, RPC_EXCHANGE, "people.names")  # names only people.public_names
    refused(publish, knowledge, RPC_EXCHANGE, "orgs.get")
    refused(bind_reply_queue, knowledge, "people.*")  # nor listens to people's requests
    refused(publish, knowledge, events("people"), BATCH)


def test_reporting_cannot_publish_events(broker, system):
    for source in SOURCES:
        refused(publish, broker.uris["reporting"], events(source), BATCH)
    refused(consume, broker.uris["reporting"], RPC_QUEUE_TEMPLATE.format("orgs"))


def test_a_poison_batch_is_kept_on_quorum_queues_and_the_cli_lists_and_sends_it_back(broker, system):
    """As deployed: orgs publishes a batch reporting cannot apply (`{}`); the broker keeps it in
    the dead letter queue (reporting declared its queues with the definitions' very arguments);
    the CLI, as operator, lists it and sends it back, and it dies again."""
    sha = hashlib.sha256(b"{}").hexdigest()[:16]

    def listed(deaths: int) -> list[dict]:
        done = system.cli("dead-letters", "list", "--json")
        assert done.returncode == 0, done.stderr
        return [x for x in json.loads(done.stdout)["letters"] if x["sha256"] == sha and x["deaths"] == deaths]

    publish(broker.uris["orgs"], events("orgs"), BATCH)
    wait_for(lambda: listed(1), timeout=20)
    done = system.cli("dead-letters", "redrive", "--queue", batch_queue("orgs"))
    assert done.returncode == 0, done.stderr
    wait_for(lambda: listed(2), timeout=20)
    operator, dead = broker.uris[OPERATOR], deadletters.dead_letter_queue(batch_queue("orgs"))
    refused(publish, operator, deadletters.EXCHANGE, batch_queue("orgs"))  # no forged dead letters
    refused(consume, broker.uris[GATEWAY], dead)
    refused(publish, broker.uris["orgs"], deadletters.REDRIVE, batch_queue("orgs"))


def test_the_gateway_and_the_cli_cannot_consume_service_or_event_queues(broker, system):
    for client in (GATEWAY, OPERATOR):
        uri = broker.uris[client]
        for name in (n for n in PROCESSES if n != GATEWAY):
            refused(consume, uri, RPC_QUEUE_TEMPLATE.format(name))
        for source in SOURCES:
            refused(consume, uri, batch_queue(source))
            refused(publish, uri, events(source), BATCH)
        refused(bind_reply_queue, uri, "#")  # no eavesdropping on the RPC exchange
        refused(publish, uri, RPC_EXCHANGE, str(uuid.uuid4()))  # nor forging replies
        bind_reply_queue(uri, str(uuid.uuid4()))  # control: a reply queue of its own it may have


def listen(uri: str) -> None:
    """Declare a heartbeat listener's queue, as `sanphalang status` does, and bind it."""
    with channel(uri) as ch:
        queue = listener_queue()
        ch.queue_declare(queue=queue, exclusive=True, auto_delete=True)
        ch.queue_bind(queue=queue, exchange=STATUS)


def bind_to_status(uri: str, queue: str) -> None:
    with channel(uri) as ch:
        ch.queue_bind(queue=queue, exchange=STATUS)


def test_every_process_announces_itself_and_the_cli_hears_them_as_operator(system):
    """Each process publishes its heartbeat to sanphalang.status as its own user; `sanphalang
    status`, as operator, hears them on a queue of its own and asks for the queues' depths."""
    done = system.cli("status", "--json", timeout=60)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert sorted(beat["service"] for beat in report["instances"]) == sorted(PROCESSES)
    queues = {queue["queue"]: queue for queue in report["queues"]}
    for name in (n for n in PROCESSES if n != GATEWAY):
        assert queues[RPC_QUEUE_TEMPLATE.format(name)]["consumers"] >= 1, name


def test_no_service_hears_the_heartbeats_and_the_cli_forges_none(broker, system):
    for name in (n for n in PROCESSES if n != GATEWAY):
        refused(listen, broker.uris[name])
        refused(bind_to_status, broker.uris[name], RPC_QUEUE_TEMPLATE.format(name))  # its own queue: no read
    refused(publish, broker.uris[OPERATOR], STATUS, "")
    publish(broker.uris["orgs"], STATUS, "")  # control: a process announces itself


# --- set-passwords.py over the management HTTP API (the Kubernetes Job's way) ---------------------


def test_set_passwords_puts_each_user_through_the_management_api(tmp_path):
    received = []

    class Api(http.server.BaseHTTPRequestHandler):
        def do_PUT(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received.append((self.path, self.headers["Authorization"], self.headers["Content-Type"], body))
            self.send_response(201 if len(received) == 1 else 204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Api)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        env = {
            "PATH": "/usr/bin:/bin",
            "RABBITMQ_MANAGEMENT_URI": f"http://ad%40min:s%2Fecret@127.0.0.1:{server.server_port}/",
            "ORGS_AMQP_URI": "amqp://orgs:p%40ss%2Fword@rabbitmq:5672/",
            "GATEWAY_AMQP_URI": "amqp://gateway:other@rabbitmq:5672/",
            "PEOPLE_AMQP_URI": "amqp://people:@rabbitmq:5672/",  # no password yet: skipped
        }
        done = subprocess.run([sys.executable, str(SET_PASSWORDS)], env=env, capture_output=True, text=True, timeout=60)
    finally:
        server.shutdown()
    assert done.returncode == 0, done.stderr
    auth = "Basic " + base64.b64encode(b"ad@min:s/ecret").decode()
    assert received == [
        ("/api/users/gateway", auth, "application/json", {"password": "other", "tags": ""}),
        ("/api/users/orgs", auth, "application/json", {"password": "p@ss/word", "tags": ""}),
    ]
    assert "people: no password" in done.stdout
