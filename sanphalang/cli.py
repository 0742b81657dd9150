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
    from .deadletters import retire_old_queues
    from .supervisor import up as run_up

    retire_old_queues(settings().amqp_uri)  # the batch queues of before dead letters (docs/operations.md)
    sys.exit(run_up())


REPLAY_STEP = 50_000  # events of each source one step of `replay` applies: seconds, far within the RPC timeout
VERIFY_TIMEOUT = 3600  # seconds: `verify` compares with a fresh replay in one call (8 minutes for the national data)


def _said(code: str, **params) -> str:
    """A message of the catalogue, Thai then English, on one line."""
    from services.chassis.messages import message

    text = message(code, **params)
    return f"{text['th']} / {text['en']}"


def _bar(code: str, length: int):
    return click.progressbar(length=length, label=_said(code), file=click.get_text_stream("stderr"))


@main.command()
def replay() -> None:
    """Rebuild every reporting projection from the sources' event logs."""
    with _rpc() as rpc:
        heads = rpc.reporting.replay(events=0)["heads"]  # the projection dropped; where each log ends
        positions, idle = dict.fromkeys(heads, 0), 0
        with _bar("replay_progress", sum(heads.values())) as bar:
            while any(positions[source] < head for source, head in heads.items()):
                step = rpc.reporting.replay(start=False, events=REPLAY_STEP)
                if step.get("broken"):
                    raise click.ClickException(_said("replay_broken", **step["broken"]))
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
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--wait", type=click.FloatRange(min=0.5), help="Seconds to listen for heartbeats (default: two periods).")
def status(as_json: bool, wait: float | None) -> None:
    """Every running instance (its version, uptime, metrics port and lags) and the broker's
    queues. Exits 1 when no instance was heard."""
    from .status import LISTEN, lines, report

    found = report(settings().amqp_uri, wait or LISTEN)
    click.echo(json.dumps(found, ensure_ascii=False, indent=2) if as_json else "\n".join(lines(found)))
    sys.exit(0 if found["instances"] else 1)


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
@click.option("--national", is_flag=True,
              help="The national dataset through the import path: 200,000 organizations; 10,000 facilitators, "
                   "50,000 leaders, 500,000 volunteers, 80 online workers; 3,000 knowledge items, 100 campaigns. "
                   "Prints the time of each stage per register.")
@click.option("--scale", type=click.FloatRange(0, 1, min_open=True), default=1.0, show_default=True,
              help="With --national: this share of it (0.001: 200 organizations, 561 people...).")
def demo(orgs: int | None, people: int | None, role: str | None, trainings: float, knowledge: int | None,
         campaigns: int | None, seed: int | None, national: bool, scale: float) -> None:
    """Register realistic demo organizations, people, knowledge items and campaigns through the
    running system."""
    if national:
        _demo_national(scale, seed, trainings, others=(orgs, people, role, knowledge, campaigns))
        return
    if scale != 1.0:
        raise click.UsageError("--scale scales --national")
    if not (orgs or people or knowledge or campaigns):
        raise click.UsageError("--national, or --orgs N, --people N, --knowledge N, --campaigns N, or several of them")
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


def _demo_national(scale: float, seed: int | None, trainings: float, others: tuple) -> None:
    """`demo --national`: the dataset's own counts, so the separate sizes do not go with it."""
    from contextlib import ExitStack

    from .demo_national import LANES, Through, load_national

    if any(others):
        raise click.UsageError("--national sets the sizes itself: without --orgs, --people, --role, --knowledge, "
                               "--campaigns (--scale scales it)")
    with ExitStack() as stack:
        lanes = [stack.enter_context(_rpc()) for _ in range(LANES)]  # a proxy serves one caller at a time
        load_national(Through(lanes, settings().amqp_uri), scale, seed, trainings)


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


# -- backups (docs/operations.md) ------------------------------------------------------------

def _refused(action):
    """Run `action`; a backup or restore refused, or a copy that failed, exits 2 with its
    message (a refusal's in Thai and English): nothing was restored."""
    from services.chassis.messages import message

    from .backup import Refused
    from .database_copies import CopyFailed

    try:
        return action()
    except (Refused, CopyFailed) as error:
        text = message(error.code, **error.params) if isinstance(error, Refused) else None
        failure = click.ClickException(f"{text['th']}\n{text['en']}" if text else str(error))
        failure.exit_code = 2
        raise failure from None


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--keys", "keys_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Also write a sealed copy of the key store here, apart from DIRECTORY "
                   "(kept SANPHALANG_KEY_COPY_DAYS days at most).")
def backup(directory: Path, keys_dir: Path | None) -> None:
    """Copy every service database and the knowledge files into DIRECTORY (new or empty), with a
    manifest; no key store, secret or plaintext personal value is written there."""
    from services.chassis.messages import message

    from .backup import back_up

    manifest = _refused(lambda: back_up(directory, keys_dir, click.echo))
    text = message("backup_done", id=manifest["id"], directory=str(directory))
    click.echo(f"{text['th']}\n{text['en']}")


@main.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--keys", "keys_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Bring back keys the key store lacks from this backup's sealed copy in this directory.")
@click.option("--erasures", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A file of erased person ids (one a line) to erase as well, from your request records.")
@click.option("--force", is_flag=True, help="Replace what the databases and the files directory hold now.")
def restore(directory: Path, keys_dir: Path | None, erasures: Path | None, force: bool) -> None:
    """Put the backup in DIRECTORY back, on a stopped system; nobody erased since comes back.
    Checks every chain and head after it; exits 1 if a check fails."""
    from services.chassis.messages import message

    from .restore import restore as run_restore

    report = _refused(lambda: run_restore(directory, keys_dir, erasures, force, click.echo))
    for chain in report["chains"]:
        state = "ok" if chain["ok"] else "NOT AS BACKED UP"
        click.echo(f"chain {chain['source']}: {state}, {chain['events']} events, head seq {chain['head']['seq']} "
                   f"(manifest: {chain['manifest']['seq']})")
    for position in report["positions"]:
        state = "on the log" if position["ok"] else "NOT ON THE RESTORED LOG"
        click.echo(f"reporting at {position['source']} seq {position['seq']}: {state}")
    text = message("restore_done" if report["ok"] else "restore_checks_failed")
    click.echo(f"{text['th']}\n{text['en']}")
    sys.exit(0 if report["ok"] else 1)


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


# -- dead letters (docs/operations.md) --------------------------------------------------------

@main.group(name="dead-letters")
def dead_letters() -> None:
    """The messages a service could not handle, kept by the broker: list them, send them back."""


@dead_letters.command(name="list")
@click.option("--queue", help="One consumed queue (or its dead letter queue); default: all.")
@click.option("--limit", type=click.IntRange(min=0), default=20, show_default=True, help="Letters to show at most.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def dead_letters_list(queue: str | None, limit: int, as_json: bool) -> None:
    """How many wait per queue, and the first of them: why and when they died, size, hash, and
    a batch's source and first and last seq (never its content). They stay where they are."""
    from .deadletters import lines, report

    try:
        found = report(settings().amqp_uri, queue, limit)
    except LookupError as error:
        raise click.BadParameter(str(error), param_hint="--queue") from None
    click.echo(json.dumps(found, ensure_ascii=False, indent=2) if as_json else "\n".join(lines(found)))


@dead_letters.command(name="redrive")
@click.option("--queue", help="One consumed queue (or its dead letter queue); default: all.")
@click.option("--limit", type=click.IntRange(min=1), help="Letters to send back at most; default: all waiting.")
def dead_letters_redrive(queue: str | None, limit: int | None) -> None:
    """Send dead letters back to the queue each died in; one that fails again is dead again."""
    from .deadletters import redrive

    try:
        click.echo("\n".join(redrive(settings().amqp_uri, queue, limit)))
    except LookupError as error:
        raise click.BadParameter(str(error), param_hint="--queue") from None
