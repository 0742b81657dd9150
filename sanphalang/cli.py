"""The `sanphalang` command (also `python -m sanphalang`)."""
from __future__ import annotations

import json
import logging
import os
import sys
import warnings
from contextlib import contextmanager
from pathlib import Path

import click

from services.registry import BUILT_SOURCES, contract, has

from .config import RUNNING_SERVICES, SERVICES, settings

SHEET_REGISTERS = tuple(name for name in BUILT_SOURCES if has(name, "sheet"))  # registers with spreadsheets

# Library noise is not for the people at the terminal, even under `python -W default`:
# eventlet's notice that it is deprecated (printed when it is imported, which nothing above
# does) and the deprecations of the libraries below us. pytest still shows them to developers.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
warnings.filterwarnings("ignore", category=DeprecationWarning)
warnings.filterwarnings("ignore", category=PendingDeprecationWarning)
warnings.filterwarnings("ignore", message=r"pkg_resources is deprecated", category=UserWarning)


def _green() -> None:
    """nameko needs eventlet's monkey-patching before anything opens a socket."""
    import os

    import eventlet

    # psycopg detects gevent's patching, not eventlet's: without this its waits block the
    # whole process, and a green thread waiting on a lock would stall the one holding it.
    os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")
    eventlet.monkey_patch()


def _proxy(timeout: float | None = None):
    _green()
    from nameko.standalone.rpc import ClusterRpcProxy

    import services.edge.errors  # noqa: F401

    return ClusterRpcProxy(settings().nameko_config(), timeout=timeout or 600)


@contextmanager
def _rpc(timeout: float | None = None):
    """The services, each call signed by the CLI's key for the operator (DESIGN §2a)."""
    from services.chassis.assertions import Signed

    from .spreadsheets import operator

    with _proxy(timeout) as cluster:
        yield Signed(cluster, settings().signer("cli"), operator())


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log more.")
@click.pass_context
def main(ctx: click.Context, verbose: bool) -> None:
    """Sanphalang (สานพลัง): the network's event-sourced database."""
    from services.chassis import logs
    from services.settings import env

    if verbose:  # DEBUG for this process and the ones `up` starts
        os.environ["SANPHALANG_LOG_LEVEL"] = "DEBUG"
    logs.configure("cli", env("SANPHALANG_LOG_FORMAT"), env("SANPHALANG_LOG_LEVEL"))  # `serve` sets its service's
    if ctx.invoked_subcommand not in ("serve", "up") and not verbose:
        for library in ("nameko", "kombu", "amqp"):  # a command's output is its own, not the broker client's
            logging.getLogger(library).setLevel(logging.ERROR)


@main.command()
@click.argument("service", type=click.Choice(SERVICES))
def serve(service: str) -> None:
    """Run one service in the foreground."""
    if service not in RUNNING_SERVICES:
        raise click.ClickException(f"{service} is not built yet; running services: {', '.join(RUNNING_SERVICES)}")
    _green()
    if service == "gateway":
        from gateway.server import serve as serve_gateway

        serve_gateway()
        return
    from services.edge.runner import run
    from services.registry import service_class

    run(service_class(service))


@main.command()
def up() -> None:
    """Start every service and the gateway; Ctrl-C stops them all."""
    from .supervisor import up as run_up

    sys.exit(run_up())


REPLAY_STEP = 50_000  # events of each source one step of `replay` applies: seconds, far within the RPC timeout
VERIFY_TIMEOUT = 3600  # seconds: `verify` compares with a fresh replay in one call (8 minutes for the national data)


def _bar(code: str, length: int):
    from services.chassis.messages import message

    text = message(code)
    return click.progressbar(length=length, label=f"{text['th']} / {text['en']}", file=click.get_text_stream("stderr"))


@main.command()
def replay() -> None:
    """Rebuild every reporting projection from the sources' event logs."""
    with _rpc() as rpc:
        heads = rpc.reporting.replay(events=0)["heads"]  # the projection dropped; where each log ends
        positions, idle = dict.fromkeys(heads, 0), 0
        with _bar("replay_progress", sum(heads.values())) as bar:
            while any(positions[source] < head for source, head in heads.items()):
                step = rpc.reporting.replay(start=False, events=REPLAY_STEP)
                reached = {source: min(step["positions"][source], head) for source, head in heads.items()}
                moved = sum(reached.values()) - sum(positions.values())
                bar.update(max(moved, 0))
                positions, idle = reached, 0 if moved > 0 else idle + 1
                if idle == 3:  # three steps without a position moving: the logs are not answering
                    raise click.ClickException(f"replay stopped at {positions} of {heads}")
    for source, count in positions.items():
        click.echo(f"{source}: {count} events replayed")
    click.echo(f"replayed {sum(positions.values())} events")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the full report as JSON.")
def verify(as_json: bool) -> None:
    """Check every hash chain and that live projections equal a fresh replay."""
    with _rpc(VERIFY_TIMEOUT) as rpc:
        report = _verified(rpc)
    if as_json:
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
    for chain in report["chains"]:
        if chain["broken_seq"] is None:
            click.echo(f"chain {chain['source']}: ok, {chain['events']} events")
        else:
            click.echo(f"chain {chain['source']}: BROKEN at seq {chain['broken_seq']} "
                       f"({chain['events']} events verified before it)")
        _files(chain)
    projection = report["projection"]
    if projection["equal"]:
        click.echo(f"projections: equal to a fresh replay at {projection['positions']}")
    else:
        click.echo(f"projections: {projection['difference_count']} differences from a fresh replay")
        for line in projection["differences"]:
            click.echo(f"  {line}")
    sys.exit(0 if report["ok"] else 1)


def _verified(rpc) -> dict:
    """`reporting.verify` one part at a time, for the progress bar: each source's chain, then
    reporting's own and the comparison with a fresh replay (as many events as the chains)."""
    heads = {source: getattr(rpc, source).head()["seq"] for source in BUILT_SOURCES}
    chains = []
    with _bar("verify_progress", 2 * sum(heads.values())) as bar:
        for source, head in heads.items():
            chains += rpc.reporting.verify(chains=[source], projection=False)["chains"]
            bar.update(head)
        last = rpc.reporting.verify(chains=["reporting"])
        bar.update(sum(heads.values()))
    chains += last["chains"]
    return {"ok": all(c["ok"] for c in chains) and last["projection"]["equal"], "chains": chains,
            "projection": last["projection"]}


def _files(chain: dict) -> None:
    """A register's files checked against what its log recorded (knowledge's attachments)."""
    files = chain.get("files")
    if files is None:
        return
    if not files["changed"] and not files["missing"]:
        click.echo(f"files {chain['source']}: ok, {files['checked']} as recorded")
    for kind in ("changed", "missing"):
        for found in files[kind]:
            click.echo(f"files {chain['source']}: {kind.upper()} {found['sha256']} ({found['name']}, item {found['item']})")


@main.command()
@click.argument("service", type=click.Choice(RUNNING_SERVICES))
def health(service: str) -> None:
    """Exit 0 when SERVICE answers (a probe for operators and Kubernetes)."""
    if service == "gateway":
        import requests

        config = settings()
        ok = requests.get(f"http://{config.host}:{config.port}/health", timeout=5).ok
    else:
        with _proxy(timeout=5) as rpc:  # health is public: nothing to sign
            ok = bool(getattr(rpc, service).health().get("database"))
    click.echo("ok" if ok else "unhealthy")
    sys.exit(0 if ok else 1)


@main.command()
@click.option("--orgs", type=click.IntRange(min=1), help="How many organizations.")
@click.option("--people", type=click.IntRange(min=1), help="How many people.")
@click.option("--role", type=click.Choice(("volunteer", "leader", "facilitator", "online_worker")),
              help="People of this one role only (default: the four, in the mission's proportions).")
@click.option("--trainings", type=click.FloatRange(0, 1), default=0.1, show_default=True,
              help="The share of the people given trainings after they are registered.")
@click.option("--knowledge", type=click.IntRange(min=1),
              help="How many knowledge items (most published, some in review or drafts, a few archived).")
@click.option("--campaigns", type=click.IntRange(min=1), help="How many campaign issues, with results over time.")
@click.option("--seed", type=int, help="The same seed makes the same rows (default: 2559 organizations, 2562 people, "
                                       "2563 knowledge items, 2564 campaigns).")
def demo(orgs: int | None, people: int | None, role: str | None, trainings: float, knowledge: int | None,
         campaigns: int | None, seed: int | None) -> None:
    """Register realistic demo organizations, people, knowledge items and campaigns through the
    running system."""
    if not (orgs or people or knowledge or campaigns):
        raise click.UsageError("--orgs N, --people N, --knowledge N, --campaigns N, or several of them")
    from .demo import register_command
    from .demo_knowledge import load_knowledge
    from .demo_people import register_people

    with _rpc() as rpc:
        if orgs:
            register_command(rpc.orgs, orgs, 2559 if seed is None else seed)
        if people:
            register_people(rpc.people, people, 2562 if seed is None else seed, role, trainings)
        if knowledge or campaigns:  # the knowledge service is asked only then
            load_knowledge(rpc.knowledge, knowledge, campaigns, seed)


@main.command(name="import")
@click.argument("register", type=click.Choice(SHEET_REGISTERS))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and count; write nothing.")
@click.option("--accept-valid-rows", is_flag=True, help="Import the valid rows even if some are rejected.")
@click.option("--sheet", help="The workbook sheet to read (default: the template's, else the first).")
def import_(register: str, file: Path, dry_run: bool, accept_valid_rows: bool, sheet: str | None) -> None:
    """Register or update REGISTER's records from FILE (.xlsx or .csv); all rows or none
    unless --accept-valid-rows."""
    from .spreadsheets import import_command

    with _rpc() as rpc:
        ok = import_command(contract(register, "sheet").SHEET, getattr(rpc, register), file, dry_run=dry_run,
                            accept_valid=accept_valid_rows, sheet_name=sheet)
    sys.exit(0 if ok else 1)


@main.command(name="export")
@click.argument("register", type=click.Choice(SHEET_REGISTERS))
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--center", help="Coordination center code, e.g. P50.")
@click.option("--province", help="Province code.")
@click.option("--type", "type_", help="Type code (organizations).")
@click.option("--role", help="Role code (people): volunteer, leader, facilitator, online_worker.")
@click.option("--q", help="Part of the name.")
def export(register: str, file: Path, center: str | None, province: str | None, type_: str | None,
           role: str | None, q: str | None) -> None:
    """Write REGISTER's records the filters select to FILE (.xlsx or .csv), as the register
    shows them to the operator (people: restricted people never, every full view recorded)."""
    from .spreadsheets import export_command

    filters = {k: v for k, v in {"center": center, "province": province, "type": type_, "role": role,
                                 "q": q}.items() if v}
    with _rpc() as rpc:
        export_command(contract(register, "sheet").SHEET, getattr(rpc, register), file, filters)


# -- accounts -----------------------------------------------------------------------------

def _users():
    from gateway.users import UserStore
    from services.chassis.database import make_engine

    store = UserStore(make_engine(settings().database_url("gateway")))
    store.create_schema()
    return store


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("Password / รหัสผ่าน", hide_input=True, confirmation_prompt=True)


def _account_errors(action):
    """Run `action`; a rejected input exits with its Thai and English message."""
    from services.chassis.errors import CommandRejected
    from services.chassis.messages import message

    try:
        return action()
    except CommandRejected as error:
        for p in error.problems:
            text = message(p["code"], **(p.get("params") or {}))
            click.echo(f"{p['field']}: {text['th']} / {text['en']}", err=True)
        sys.exit(2)


@main.group()
def users() -> None:
    """Accounts of the web app and the API."""


@users.command(name="add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(["center_staff", "admin", "auditor"]))
@click.option("--center", help="The center code of center staff (P50, BKK1...).")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
def users_add(name: str, role: str, center: str | None, password_stdin: bool) -> None:
    """Add a user."""
    store = _users()
    user = _account_errors(lambda: store.add(name, role, _password(password_stdin), center))
    click.echo(f"added {user.name} ({user.role}{', ' + user.center if user.center else ''})")


@users.command(name="list")
def users_list() -> None:
    """List the users."""
    for row in _users().list():
        state = "" if row["active"] else "  [disabled]"
        click.echo(f"{row['name']}\t{row['role']}\t{row['center'] or '-'}{state}")


@users.command(name="disable")
@click.argument("name")
def users_disable(name: str) -> None:
    """Disable a user and revoke their API tokens."""
    store = _users()
    _account_errors(lambda: store.disable(name))
    click.echo(f"disabled {name}")


@users.command(name="reset")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the new password from the first line of stdin.")
def users_reset(name: str, password_stdin: bool) -> None:
    """Set a new password (and enable the user again)."""
    store = _users()
    _account_errors(lambda: store.reset_password(name, _password(password_stdin)))
    click.echo(f"password of {name} reset")


@users.command(name="token")
@click.argument("name")
@click.option("--label", help="What the token is for.")
def users_token(name: str, label: str | None) -> None:
    """Make an API token for a user; it is shown only this once."""
    store = _users()
    click.echo(_account_errors(lambda: store.issue_token(name, label)))


# -- keys of the actor assertions (docs/security.md) ----------------------------------------

@main.group()
def keys() -> None:
    """The Ed25519 keys that sign who is asking (gateway, cli, services)."""


@keys.command(name="new")
@click.argument("signer")
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write SIGNER.key and SIGNER.pub (default: the trusted keys directory).")
def keys_new(signer: str, directory: Path | None) -> None:
    """Make a new key pair for SIGNER (a rotation: see docs/security.md)."""
    from services.chassis.assertions import Signer, make_key_pair

    directory = directory or settings().keys_dir
    if (directory / f"{signer}.key").exists():
        raise click.ClickException(f"{directory / (signer + '.key')} exists; make the new pair in another --dir")
    key, public = make_key_pair(directory, signer)
    click.echo(f"{Signer.from_file(key).kid}: {key} (private, keep it secret), {public} (public)")


@keys.command(name="list")
def keys_list() -> None:
    """The key ids the services trust (the public keys of SANPHALANG_KEYS)."""
    from services.chassis.assertions import Keyring

    for kid in sorted(Keyring(settings().keys_dir, "any").keys):
        click.echo(kid)
