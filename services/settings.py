"""Every setting, read from the environment with a safe default, in one place.

Each process reads what it needs through :func:`settings`; `docs/configuration.md` lists the
same variables for operators. This module sits below every service (and the CLI re-exports
it), so services never import the command-line package for their configuration."""
from __future__ import annotations

import base64
import os
from dataclasses import dataclass, field
from pathlib import Path

from .registry import DATABASES, KEY_STORES

DEFAULTS = {
    "SANPHALANG_AMQP_URI": "amqp://guest:guest@127.0.0.1:5672/",
    "SANPHALANG_VAR": "var",
    "SANPHALANG_HOST": "127.0.0.1",
    "SANPHALANG_PORT": "8700",
    "SANPHALANG_METRICS_PORT": "0",  # this process's /metrics listener; 0: any free port (announced in its heartbeat)
    "SANPHALANG_RPC_TIMEOUT": "30",
    "SANPHALANG_RELAY_BATCH": "2000",
    "SANPHALANG_RELAY_INTERVAL": "0.5",
    "SANPHALANG_CATCHUP_INTERVAL": "2",
    "SANPHALANG_QUEUE_TYPE": "classic",
    "SANPHALANG_MAX_WORKERS": "10",
    "SANPHALANG_SHUTDOWN_TIMEOUT": "8",  # seconds a stopping process gives in-flight work before it kills it
    "SANPHALANG_RPC_POOL": "32",  # RPC proxies of one gateway process: calls it can have in flight
    "SANPHALANG_SECRET_KEY": "",  # empty: a random key kept in var/secret_key
    "SANPHALANG_SECURE_COOKIES": "0",  # 1 behind HTTPS: session cookies only over HTTPS
    "SANPHALANG_SIGN_IN_LIMIT": "10 per minute",  # sign-in attempts per address and per user name
    "SANPHALANG_USER_CACHE_SECONDS": "5",  # a gateway keeps who a session's or token's user is (0: asks every request)
    "SANPHALANG_KEYS": "",  # empty: var/keys; the public keys (*.pub) a service trusts
    "SANPHALANG_SIGNING_KEY": "",  # empty: <keys>/<signer>.key, made on first use (development)
    "SANPHALANG_ASSERTION_LIFETIME": "120",  # seconds an actor assertion is valid (at most 300)
    "SANPHALANG_LOG_FORMAT": "auto",  # json | text | auto (text on a terminal, JSON otherwise)
    "SANPHALANG_MASTER_KEY": "",  # empty: var/master.key, made on first use (development); base64 of 32+ bytes
    "SANPHALANG_LOG_LEVEL": "INFO",  # DEBUG, INFO, WARNING, ERROR (`sanphalang -v`: DEBUG)
    "SANPHALANG_KNOWLEDGE_FILES": "",  # empty: var/knowledge-files; the knowledge items' attachments, by content hash
    "SANPHALANG_ATTACHMENT_MAX_BYTES": str(20 * 1024 * 1024),  # the largest file an item may carry
    "SANPHALANG_KEY_COPY_DAYS": "7",  # a key store's sealed copy (`backup --keys`) is kept, and restorable, this long
}


MASTER_KEY = "SANPHALANG_MASTER_KEY"


def key_store_var(service: str) -> str:
    """The setting of a register of personal data's key store (DESIGN §2b)."""
    return f"{service.upper()}_KEYS_DATABASE_URL"


# The settings only one service is given: a register of personal data's key store and the
# master key that wraps its data keys. `sanphalang up`, the deploy files and the test harness
# give them to that service alone.
PRIVATE = {service: (key_store_var(service), MASTER_KEY) for service in KEY_STORES}


def env(name: str) -> str:
    return os.environ.get(name) or DEFAULTS[name]


@dataclass(frozen=True)
class Settings:
    amqp_uri: str
    var_dir: Path
    host: str
    port: int
    rpc_timeout: float
    relay_batch: int
    relay_interval: float
    catchup_interval: float
    queue_type: str
    max_workers: int
    rpc_pool: int
    shutdown_timeout: float
    database_urls: dict = field(default_factory=dict)

    def database_url(self, service: str) -> str:
        return self.database_urls[service]

    @property
    def keys_dir(self) -> Path:
        return Path(env("SANPHALANG_KEYS") or self.var_dir / "keys")

    def signer(self, name: str):
        """This process's signer of actor assertions, as `name` (gateway, cli, reporting...):
        the key SANPHALANG_SIGNING_KEY names, or `<keys>/<name>.key`, made if missing."""
        from services.chassis.assertions import Signer, ensure_keys

        lifetime = int(env("SANPHALANG_ASSERTION_LIFETIME"))
        configured = env("SANPHALANG_SIGNING_KEY")
        if configured:
            return Signer.from_file(Path(configured), lifetime)
        ensure_keys(self.keys_dir, (name,))
        return Signer.from_file(self.keys_dir / f"{name}.key", lifetime)

    def keyring(self, audience: str):
        """The public keys a service trusts, checking assertions meant for `audience`."""
        from services.chassis.assertions import Keyring

        return Keyring(self.keys_dir, audience)

    @property
    def knowledge_files(self) -> Path:
        return Path(env("SANPHALANG_KNOWLEDGE_FILES") or self.var_dir / "knowledge-files")

    @property
    def attachment_max_bytes(self) -> int:
        return int(env("SANPHALANG_ATTACHMENT_MAX_BYTES"))

    @property
    def metrics_port(self) -> int:
        """The port of this process's /metrics, on `host` (docs/operations.md)."""
        return int(env("SANPHALANG_METRICS_PORT"))

    def key_store_url(self, service: str) -> str:
        """The key store of a register of personal data, apart from its event database:
        `<SERVICE>_KEYS_DATABASE_URL`, or a SQLite file of its own (DESIGN §2b)."""
        return database_url(f"{service}_keys", self.var_dir)

    def master_key(self) -> bytes:
        """The master secret that wraps the data keys: SANPHALANG_MASTER_KEY (base64), or on a
        development machine `var/master.key`, made on first use, readable by its owner only."""
        configured = env(MASTER_KEY)
        if configured:
            return base64.b64decode(configured)
        path = self.var_dir / "master.key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            draft = path.with_name(f".master.key.{os.getpid()}")
            descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as out:
                out.write(base64.b64encode(os.urandom(32)))
            try:
                os.link(draft, path)  # the first process to get here wins; the others read its key
            except FileExistsError:
                pass
            os.unlink(draft)
        return base64.b64decode(path.read_bytes())

    def nameko_config(self) -> dict:
        from services.chassis.wire import nameko_options

        return {"AMQP_URI": self.amqp_uri, "max_workers": self.max_workers, **nameko_options()}


def database_url(service: str, var_dir: Path) -> str:
    """`<SERVICE>_DATABASE_URL`, or a SQLite file under the var directory."""
    url = os.environ.get(f"{service.upper()}_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{(var_dir / f'{service}.sqlite').resolve()}"


def settings() -> Settings:
    var_dir = Path(env("SANPHALANG_VAR"))
    return Settings(
        amqp_uri=env("SANPHALANG_AMQP_URI"),
        var_dir=var_dir,
        host=env("SANPHALANG_HOST"),
        port=int(env("SANPHALANG_PORT")),
        rpc_timeout=float(env("SANPHALANG_RPC_TIMEOUT")),
        relay_batch=int(env("SANPHALANG_RELAY_BATCH")),
        relay_interval=float(env("SANPHALANG_RELAY_INTERVAL")),
        catchup_interval=float(env("SANPHALANG_CATCHUP_INTERVAL")),
        queue_type=env("SANPHALANG_QUEUE_TYPE"),
        max_workers=int(env("SANPHALANG_MAX_WORKERS")),
        rpc_pool=int(env("SANPHALANG_RPC_POOL")),
        shutdown_timeout=float(env("SANPHALANG_SHUTDOWN_TIMEOUT")),
        database_urls={s: database_url(s, var_dir) for s in DATABASES},
    )
