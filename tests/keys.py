"""Who is asking, for tests: one key pair per signer (gateway, cli, reporting) in a directory
of this test run, which every service and process of the run trusts (`SANPHALANG_KEYS`, set
by tests/conftest.py); actors and signed proxies as the gateway would make them."""
from __future__ import annotations

import atexit
import shutil
import tempfile
import uuid
from pathlib import Path

from services.chassis.assertions import Asker, Keyring, Signer, SignedService, ensure_keys
from services.chassis.permissions import Actor, User

KEYS = Path(tempfile.mkdtemp(prefix="sp-keys-"))
atexit.register(shutil.rmtree, KEYS, ignore_errors=True)
ensure_keys(KEYS, ("gateway", "cli", "reporting"))
GATEWAY = Signer.from_file(KEYS / "gateway.key")

STAFF_P50 = User("somsri", "center_staff", "P50")
ADMIN = User("admin1", "admin")


def actor(user: User = STAFF_P50, request: str | None = None) -> Actor:
    """An actor as a service would have verified it (for handlers called directly); each
    request a command of its own unless the same `request` is given again."""
    return Actor(user, request or str(uuid.uuid4()), GATEWAY.kid)


def asker(service: str = "orgs") -> Asker:
    """A service's check of who is asking, trusting this run's keys (in place of `Asking`)."""
    return Asker(Keyring(KEYS, service))


def signed(proxy, user: User = STAFF_P50, service: str = "orgs", request: str | None = None) -> SignedService:
    """`proxy` (an InProcess service or a nameko proxy), each call signed by the gateway's key
    for `user`."""
    return SignedService(proxy, service, GATEWAY, user, request)


REPORTING = Signer.from_file(KEYS / "reporting.key")


def signing(signer: Signer = REPORTING):
    """A service's own signing (in place of `Signing`): `signing("orgs", "head")` asks orgs as itself."""
    return lambda audience, call: signer.sign(signer.as_service(), audience, call)
