"""Sealing personal values: AES-256-GCM with the data subject's own key, each value bound to
its subject and field (the associated data), so a token copied into another person's event
or another field does not open. Keys are wrapped (AES-256-GCM too) by a key derived from the
master secret; blind indexes are HMAC-SHA-256 under another key derived from it, never a data key."""
from __future__ import annotations

import base64
import hashlib
import hmac
import os

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

TOKEN_PREFIX = "pd1."  # a sealed value, version 1: nonce (12 bytes) + ciphertext + tag, base64url
KEY_BYTES = 32
NONCE_BYTES = 12
MASTER_MIN_BYTES = 32


class Unreadable(Exception):
    """A sealed value whose key is gone (erased) or does not open it."""


def is_sealed(value) -> bool:
    return isinstance(value, str) and value.startswith(TOKEN_PREFIX)


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def _derive(secret: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=b"sanphalang " + purpose).derive(secret)


class Master:
    """The master secret, and the two keys derived from it: one wraps data keys, one keys the
    blind indexes."""

    def __init__(self, secret: bytes):
        if len(secret) < MASTER_MIN_BYTES:
            raise ValueError(f"the master key needs at least {MASTER_MIN_BYTES} bytes")
        self._wrap = AESGCM(_derive(secret, b"wrap v1"))
        self._copies = AESGCM(_derive(secret, b"key store copy v1"))
        self.blind = BlindIndex(_derive(secret, b"blind index v1"))
        self.id = hashlib.sha256(_derive(secret, b"key id v1")).hexdigest()[:12]

    def wrap(self, subject: str, key: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._wrap.encrypt(nonce, key, subject.encode())

    def unwrap(self, subject: str, wrapped: bytes) -> bytes:
        try:
            return self._wrap.decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], subject.encode())
        except InvalidTag:
            raise Unreadable(subject) from None

    def seal_copy(self, plain: bytes, header: bytes) -> bytes:
        """A copy of a key store for a backup, sealed with its own derived key; `header` (what
        it says about itself, in clear) is bound to it, so it cannot be altered."""
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._copies.encrypt(nonce, plain, header)

    def open_copy(self, sealed: bytes, header: bytes) -> bytes:
        try:
            return self._copies.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], header)
        except InvalidTag:
            raise Unreadable("key store copy") from None


class Sealer:
    """Seals and opens the values of one data subject with their key."""

    def __init__(self, subject: str, key: bytes):
        self.subject = subject
        self._aead = AESGCM(key)

    def seal(self, field: str, value):
        """A token for `value` (any JSON value); None stays None (an absent value is not personal)."""
        if value is None:
            return None
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, orjson.dumps(value), f"{self.subject}|{field}".encode())
        return TOKEN_PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii").rstrip("=")

    def open(self, field: str, token):
        if not is_sealed(token):
            return token
        raw = base64.urlsafe_b64decode(token[len(TOKEN_PREFIX):] + "=" * (-len(token) % 4))
        try:
            plain = self._aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], f"{self.subject}|{field}".encode())
        except InvalidTag:
            raise Unreadable(self.subject) from None
        return orjson.loads(plain)


class BlindIndex:
    """A keyed hash of a normalized value, for exact look-ups without the value: `kind`
    separates the national ID's index from the phone's."""

    def __init__(self, key: bytes):
        self._key = key

    def __call__(self, kind: str, normalized: str | None) -> str | None:
        if not normalized:
            return None
        return hmac.new(self._key, f"{kind}:{normalized}".encode(), hashlib.sha256).hexdigest()[:40]
