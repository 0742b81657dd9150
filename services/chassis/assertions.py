"""Signed actor assertions (DESIGN §2a): who is asking, signed by the gateway (for a web or API
request), the CLI (for an operator on the host) or a service (asking another), and verified by
every service before it acts.

An assertion is a JWT signed with Ed25519 (`EdDSA`, PyJWT over `cryptography`): `sub` the
user, `role`, `center`, `req` the request (a command's idempotency key), `aud` the service
and `call` the RPC it is for, `iat`, `exp` (minutes, never more than MAX_LIFETIME after
`iat`), `trace` the caller's own request id (for the logs), and the key id `kid` in its
header. Signers hold private keys; services hold only public keys, any number of
them at once (two while a key is rotated: docs/security.md).

Key files: a signer's private key is `<signer>.key` (PKCS#8 PEM); public keys are
`<anything>.pub` (PEM) in the trusted-keys directory, the signer's name being the file name
up to its first dot (`gateway.pub`, `gateway.2027-01.pub`). A key's id is
`<signer>-<first 12 hex digits of SHA-256 of the raw public key>`, computed, never read."""
from __future__ import annotations

import hashlib
import logging
import os
import time
import uuid
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from . import logs
from .errors import AssertionRefused
from .permissions import ANONYMOUS, PUBLIC_ACTOR, ROLES, SERVICE, Actor, User, allowed

security = logging.getLogger("sanphalang.security")

ALGORITHM = "EdDSA"
LIFETIME = 120  # seconds an assertion is valid for, by default
MAX_LIFETIME = 300  # a longer one is refused: long work signs each chunk afresh
LEEWAY = 10  # seconds of clock difference between hosts
HUMAN_SIGNERS = frozenset({"gateway", "cli"})  # they sign for people; any other signer is a service
REQUEST_MAX = 128  # characters of a request (a command's key is the request within its user's keys)
RELOAD_AFTER = 5.0  # an unknown key id re-reads the trusted keys at most this often (a changed directory at once)


def key_id(signer: str, public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return f"{signer}-{hashlib.sha256(raw).hexdigest()[:12]}"


def signer_of(path: Path) -> str:
    return path.name.split(".", 1)[0]


def make_key_pair(directory: Path, signer: str) -> tuple[Path, Path]:
    """A new key pair for `signer`: `<signer>.key` (mode 0600) and `<signer>.pub` in
    `directory`. An existing private key is replaced."""
    directory.mkdir(parents=True, exist_ok=True)
    private = Ed25519PrivateKey.generate()
    key_path, public_path = directory / f"{signer}.key", directory / f"{signer}.pub"
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(pem)
    draft = public_path.with_name(public_path.name + ".part")  # a reader never sees half a key
    draft.write_bytes(private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))
    draft.replace(public_path)
    return key_path, public_path


def ensure_keys(directory: Path, signers) -> None:
    """A key pair for each signer that has none yet (a development machine, the tests)."""
    for signer in signers:
        if not (directory / f"{signer}.key").exists():
            make_key_pair(directory, signer)


class Signer:
    """Signs assertions with one private key, as `name` (gateway, cli, or a service)."""

    def __init__(self, name: str, private: Ed25519PrivateKey, lifetime: int = LIFETIME):
        self.name, self.private, self.lifetime = name, private, min(lifetime, MAX_LIFETIME)
        self.kid = key_id(name, private.public_key())

    @classmethod
    def from_file(cls, path: Path, lifetime: int = LIFETIME) -> "Signer":
        private = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
        if not isinstance(private, Ed25519PrivateKey):
            raise ValueError(f"{path} is not an Ed25519 private key")
        return cls(signer_of(Path(path)), private, lifetime)

    def sign(self, user: User, audience: str, call: str, request: str | None = None, trace: str | None = None) -> str:
        """An assertion that `user` asks `audience` to run `call` for `request` (a fresh id
        when None); `trace` is the caller's own request id, for the logs."""
        now = int(time.time())
        claims = {"sub": user.name, "role": user.role, "center": user.center, "req": request or str(uuid.uuid4()),
                  "aud": audience, "call": call, "iat": now, "exp": now + self.lifetime}
        if trace:
            claims["trace"] = trace
        return jwt.encode(claims, self.private, algorithm=ALGORITHM, headers={"kid": self.kid})

    def as_service(self) -> User:
        """The user a service signs as when it asks another service."""
        return User(f"service:{self.name}", SERVICE)


class Keyring:
    """The public keys a service trusts (every `*.pub` of `directory`), and the check of an
    assertion against them. The directory is read again whenever it changed, so a key added
    for a rotation is trusted, and a removed one refused, without a restart."""

    def __init__(self, directory: Path, audience: str):
        self.directory, self.audience = Path(directory), audience
        self.keys: dict[str, tuple[str, Ed25519PublicKey]] = {}
        self._read_at, self._seen = 0.0, None
        self.reload()

    def _listing(self) -> int | None:
        """When the directory last changed (one `stat` a call)."""
        try:
            return self.directory.stat().st_mtime_ns
        except FileNotFoundError:
            return None

    def reload(self) -> None:
        keys, self._seen = {}, self._listing()
        for path in sorted(self.directory.glob("*.pub")) if self.directory.is_dir() else []:
            public = serialization.load_pem_public_key(path.read_bytes())
            if isinstance(public, Ed25519PublicKey):
                keys[key_id(signer_of(path), public)] = (signer_of(path), public)
        self.keys, self._read_at = keys, time.monotonic()

    def _key(self, kid) -> tuple[str, Ed25519PublicKey]:
        """The signer and public key of a key id. The directory is read again whenever it
        changed (a key added, or removed: a removed key is refused from the next call on), and
        when an unknown key id comes after RELOAD_AFTER seconds."""
        if self._listing() != self._seen or (kid not in self.keys and time.monotonic() - self._read_at > RELOAD_AFTER):
            self.reload()
        if not isinstance(kid, str) or kid not in self.keys:
            raise AssertionRefused("assertion_unknown_key")
        return self.keys[kid]

    def verify(self, token, key: str | None = None, call: str | None = None) -> Actor:
        """The actor an assertion names, once its signature, key, lifetime, audience, call and
        request check out (a command's `key`, when the caller gives one, must be the request
        the assertion was signed for; `call`, when the service names it, the RPC it was signed
        for); AssertionRefused with the reason otherwise."""
        if token is None:
            raise AssertionRefused("assertion_missing")
        if not isinstance(token, str):
            raise AssertionRefused("assertion_malformed")
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError:
            raise AssertionRefused("assertion_malformed") from None
        signer, public = self._key(kid)
        claims = _decoded(token, public, self.audience)
        user = _user(signer, claims)
        if key is not None and key != claims["req"]:
            raise AssertionRefused("assertion_other_request")
        if call is not None and claims.get("call") != call:
            raise AssertionRefused("assertion_other_call")
        trace = claims.get("trace")
        return Actor(user, claims["req"], kid, trace if isinstance(trace, str) and len(trace) <= REQUEST_MAX else None)


def _decoded(token: str, public: Ed25519PublicKey, audience: str) -> dict:
    try:
        claims = jwt.decode(token, public, algorithms=[ALGORITHM], audience=audience, leeway=LEEWAY,
                            options={"require": ["sub", "role", "req", "aud", "iat", "exp"]})
    except jwt.ExpiredSignatureError:
        raise AssertionRefused("assertion_expired") from None
    except jwt.InvalidAudienceError:
        raise AssertionRefused("assertion_other_service") from None
    except jwt.InvalidSignatureError:
        raise AssertionRefused("assertion_forged") from None
    except jwt.PyJWTError:
        raise AssertionRefused("assertion_malformed") from None
    if not isinstance(claims["iat"], int) or claims["exp"] - claims["iat"] > MAX_LIFETIME:
        raise AssertionRefused("assertion_too_long")
    if not all(isinstance(claims[name], str) and claims[name] for name in ("sub", "role", "req")):
        raise AssertionRefused("assertion_malformed")
    if len(claims["req"]) > REQUEST_MAX:
        raise AssertionRefused("assertion_malformed")
    return claims


def _user(signer: str, claims: dict) -> User:
    """The user the claims name, if this signer may speak for them: the gateway and the CLI
    for people of every role, a service only for itself."""
    center = claims.get("center")
    if center is not None and not isinstance(center, str):
        raise AssertionRefused("assertion_malformed")
    if signer in HUMAN_SIGNERS:
        if claims["role"] not in ROLES:
            raise AssertionRefused("assertion_not_allowed")
    elif claims["role"] != SERVICE or claims["sub"] != f"service:{signer}":
        raise AssertionRefused("assertion_not_allowed")
    return User(claims["sub"], claims["role"], center)


class Signed:
    """Services whose every call carries a fresh assertion that `user` asks it:
    `Signed(cluster, signer, user).orgs.get(org_id)` calls `orgs.get(<assertion>, org_id)`.
    A call given `key=` (a command's idempotency key) is signed for that request, any other
    for `request` (the HTTP request's id, say) or a fresh id; an anonymous user's calls carry
    no assertion (None: what is public only)."""

    def __init__(self, cluster, signer: Signer | None, user: User, request: str | None = None):
        self._cluster, self._signer, self._user, self._request = cluster, signer, user, request

    def __getattr__(self, service: str) -> "SignedService":
        return SignedService(getattr(self._cluster, service), service, self._signer, self._user, self._request)


class SignedService:
    """One service of `Signed` (also usable alone, for the import pipeline's lanes)."""

    def __init__(self, proxy, service: str, signer: Signer | None, user: User, request: str | None = None):
        self._proxy, self._service, self._signer, self._user, self._request = proxy, service, signer, user, request

    def __getattr__(self, method: str):
        target = getattr(self._proxy, method)

        def call(*args, key: str | None = None, **kwargs):
            if key is not None:
                kwargs["key"] = key
            return target(self.assertion(method, key), *args, **kwargs)

        return call

    def assertion(self, method: str, key: str | None = None) -> str | None:
        """A fresh assertion for one call of `method`: for its `key`, else for a request of its
        own (the caller's request id and a suffix, so no two calls share a key)."""
        if self._signer is None or not self._user.signed_in:
            return None
        request = key or f"{self._request or 'call'}:{uuid.uuid4().hex[:12]}"
        return self._signer.sign(self._user, self._service, method, request, trace=self._request)


class Asker:
    """What a service asks of every call before it acts: the assertion checked (a public call,
    with none, only where the public may go; any other signed for this very RPC) and, when the
    RPC names one, the action allowed to this actor somewhere (the center of each record is
    checked by the handler). A refused assertion is a caller error with its code and a line on
    the `sanphalang.security` log, with the key id, without the token."""

    def __init__(self, keyring: Keyring, method: str | None = None):
        self.keyring, self.method = keyring, method  # the keyring's audience is the service

    def __call__(self, assertion, action: str | None = None, key: str | None = None) -> Actor:
        try:
            if assertion is None and action is not None and allowed(ANONYMOUS, action):
                return PUBLIC_ACTOR
            actor = self.keyring.verify(assertion, key, self.method)
        except AssertionRefused as refusal:
            security.warning("refused: %s", refusal.code, extra={
                "code": refusal.code, "method": self.method, "kid": _kid(assertion)})
            raise
        logs.bind(request=actor.trace or actor.request, role=actor.user.role, center=actor.user.center)
        if action is not None:
            actor.require_somewhere(action)  # a refused permission: the worker's log line says so
        return actor


def _kid(token) -> str | None:
    """The key id a token names, for the security log (never the token itself)."""
    try:
        kid = jwt.get_unverified_header(token).get("kid") if isinstance(token, str) else None
    except jwt.PyJWTError:
        return None
    return kid if isinstance(kid, str) and len(kid) <= 64 and kid.isprintable() else None
