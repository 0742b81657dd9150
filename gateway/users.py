"""Accounts and API tokens, in the gateway's own database.

Passwords are kept only as Argon2id hashes (argon2-cffi, rehashed on sign-in when the
parameters change); API tokens only as their SHA-256. Nothing here knows about Flask."""
from __future__ import annotations

import hashlib
import secrets
import time
from datetime import datetime, timezone
from typing import Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from marshmallow import ValidationError, fields, validates_schema
from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from services import reference
from services.chassis.database import one_at_a_time
from services.chassis.errors import rejected
from services.chassis.validation import StrictSchema, Text, max_length, one_of
from services.chassis.validation import load as load_valid

from services.chassis.permissions import ADMIN, AUDITOR, CENTER_STAFF, User

from .recent import Recent

ACCOUNT_ROLES = (CENTER_STAFF, ADMIN, AUDITOR)  # `public` is nobody signed in
PASSWORD_MIN = 10
_hasher = PasswordHasher()  # Argon2id with the library's current recommended parameters
_NOBODY = _hasher.hash("no such user: verify against this so an unknown name takes as long")

metadata = MetaData()
users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),  # lower case: names are case-insensitive
    Column("role", String(20), nullable=False),
    Column("center", String(8)),
    Column("password_hash", String(200), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", String(27), nullable=False),
    Column("changed_at", String(27), nullable=False),
)
tokens = Table(
    "api_tokens",
    metadata,
    Column("digest", String(64), primary_key=True),  # SHA-256 of the token; the token is never stored
    Column("user_name", String(64), nullable=False, index=True),
    Column("label", String(100)),
    Column("created_at", String(27), nullable=False),
    Column("revoked", Boolean, nullable=False),
)


class Account(StrictSchema):
    name = Text(required=True, validate=max_length(64))
    role = fields.String(required=True, validate=one_of(ACCOUNT_ROLES))
    center = Text(load_default=None, allow_none=True, validate=max_length(8))
    password = fields.String(required=True, load_only=True)

    @validates_schema
    def _center_fits_role(self, data, **_):
        center = data.get("center")
        if data.get("role") == CENTER_STAFF and not center:
            raise ValidationError("center_required", "center")
        if center and reference.center(center) is None:
            raise ValidationError("unknown_center", "center")
        if center and data.get("role") != CENTER_STAFF:
            raise ValidationError("center_only_for_staff", "center")


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _check_password(password: str, field: str = "password") -> None:
    if not isinstance(password, str) or len(password) < PASSWORD_MIN:
        raise rejected(field, "weak_password", min=PASSWORD_MIN)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _direct(work: Callable, *args):
    return work(*args)


class UserStore:
    def __init__(self, engine: Engine, offload: Callable = _direct, remember: float = 0,
                 clock: Callable[[], float] = time.monotonic):
        """`offload(work, *args)` runs the Argon2 work (tens of milliseconds of CPU a hash);
        the gateway passes eventlet's thread pool, so one sign-in does not stall every other
        request of its process (argon2-cffi releases the GIL while it hashes).

        For `remember` seconds, the active users and live tokens found are kept: the
        gateway asks who is signed in on every request. A user disabled or a token revoked
        through another store (the CLI) is then still let through by this one for at most that
        long; through this store, at once. Nothing refused is kept."""
        self.engine = engine
        self._offload = offload
        self._users, self._tokens = Recent(remember, clock), Recent(remember, clock)

    def create_schema(self) -> None:
        with one_at_a_time(self.engine, "schema"):
            metadata.create_all(self.engine)

    # -- accounts --------------------------------------------------------------------------

    def add(self, name: str, role: str, password: str, center: str | None = None) -> User:
        data = load_valid(Account(), {"name": name, "role": role, "center": center or None, "password": password})
        _check_password(password)
        now = _now()
        try:
            with self.engine.begin() as conn:
                conn.execute(users.insert(), {
                    "name": data["name"].lower(), "role": data["role"], "center": data["center"],
                    "password_hash": self._offload(_hasher.hash, password), "active": True, "created_at": now, "changed_at": now,
                })
        except IntegrityError:
            raise rejected("name", "user_exists") from None
        return User(data["name"].lower(), data["role"], data["center"])

    def count(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(users)).scalar()

    def list(self) -> list[dict]:
        query = select(users.c.name, users.c.role, users.c.center, users.c.active, users.c.created_at)
        with self.engine.connect() as conn:
            return [dict(row) for row in conn.execute(query.order_by(users.c.name)).mappings()]

    def get(self, name: str) -> User | None:
        if (known := self._users.get(str(name).lower())) is not None:
            return known
        row = self._row(name)
        user = User(row.name, row.role, row.center) if row is not None and row.active else None
        if user is not None:
            self._users.keep(user.name, user)
        return user

    def _row(self, name: str):
        with self.engine.connect() as conn:
            return conn.execute(select(users).where(users.c.name == str(name).lower())).first()

    def _set(self, name: str, **values) -> None:
        with self.engine.begin() as conn:
            done = conn.execute(update(users).where(users.c.name == str(name).lower()).values(changed_at=_now(), **values))
        if done.rowcount != 1:
            raise rejected("name", "unknown_user")

    def disable(self, name: str) -> None:
        self._set(name, active=False)
        with self.engine.begin() as conn:
            conn.execute(update(tokens).where(tokens.c.user_name == str(name).lower()).values(revoked=True))
        # forgotten once both are written: a lookup in between may have kept a token
        self._users.forget(lambda key, _: key == str(name).lower())
        self._tokens.forget(lambda _, owner: owner == str(name).lower())

    def reset_password(self, name: str, password: str) -> None:
        _check_password(password)
        self._set(name, password_hash=self._offload(_hasher.hash, password), active=True)

    def change_password(self, name: str, old: str, new: str) -> None:
        if self.authenticate(name, old) is None:
            raise rejected("old_password", "bad_credentials")
        _check_password(new, "new_password")
        self._set(name, password_hash=self._offload(_hasher.hash, new))

    def authenticate(self, name: str, password: str) -> User | None:
        """The user, if the name and password match an active account."""
        row = self._row(name or "")
        try:
            self._offload(_hasher.verify, row.password_hash if row is not None else _NOBODY, password or "")
        except (VerificationError, InvalidHashError):
            return None
        if row is None or not row.active:
            return None
        if _hasher.check_needs_rehash(row.password_hash):
            self._set(row.name, password_hash=self._offload(_hasher.hash, password))
        return User(row.name, row.role, row.center)

    # -- API tokens --------------------------------------------------------------------------

    def issue_token(self, name: str, label: str | None = None) -> str:
        if self.get(name) is None:
            raise rejected("name", "unknown_user")
        token = secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            conn.execute(tokens.insert(), {"digest": _digest(token), "user_name": str(name).lower(),
                                           "label": label, "created_at": _now(), "revoked": False})
        return token

    def user_for_token(self, token: str) -> User | None:
        digest = _digest(token)
        if (name := self._tokens.get(digest)) is not None:
            return self.get(name)
        query = select(tokens.c.user_name).where(tokens.c.digest == digest, tokens.c.revoked.is_(False))
        with self.engine.connect() as conn:
            name = conn.execute(query).scalar()
        if name:  # kept only as found live in the database, never renewed from memory
            self._tokens.keep(digest, name)
        return self.get(name) if name else None

    def revoke_token(self, token: str) -> bool:
        revoked = _digest(token)
        with self.engine.begin() as conn:
            done = conn.execute(update(tokens).where(tokens.c.digest == revoked).values(revoked=True)).rowcount == 1
        self._tokens.forget(lambda digest, _: digest == revoked)
        return done

