"""Who is asking: the session of a signed-in user (Flask's signed cookie through Flask-Login)
or an API token (`Authorization: Bearer ...`); CSRF protection (Flask-WTF) for everything
a cookie authenticates; rate-limited sign-in (Flask-Limiter). Permission decisions are not
made here but in services.chassis.permissions."""
from __future__ import annotations

import secrets
from pathlib import Path

from eventlet import tpool
from flask import Flask, current_app, g, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin, login_user, logout_user
from flask_login import current_user as _session_user
from flask_wtf.csrf import CSRFError, CSRFProtect

from services.settings import env, settings
from services.chassis.database import make_engine

from . import errors
from services.chassis.permissions import ANONYMOUS, User
from .users import UserStore

csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, storage_uri="memory://")
_logins = LoginManager()


class _Signed(UserMixin):
    """Flask-Login's view of a permissions.User."""

    def __init__(self, user: User, by_token: bool = False):
        self.user, self.by_token = user, by_token

    def get_id(self) -> str:
        return self.user.name


def users() -> UserStore:
    """The accounts, opened on first use (a page or API call that needs no user never does)."""
    store = current_app.extensions.get("users")
    if store is None:
        store = UserStore(make_engine(settings().database_url("gateway")), offload=tpool.execute,
                          remember=float(env("SANPHALANG_USER_CACHE_SECONDS")))
        store.create_schema()
        current_app.extensions["users"] = store
    return store


def current_user() -> User:
    """The signed-in user, or permissions.ANONYMOUS."""
    signed = _session_user
    return signed.user if getattr(signed, "is_authenticated", False) else ANONYMOUS


def sign_in(name: str, password: str) -> User | None:
    user = users().authenticate(name, password)
    if user is not None:
        login_user(_Signed(user))
    return user


def sign_out() -> None:
    logout_user()


def sign_in_limits():
    """Decorators for the sign-in view: attempts per client address and per user name."""
    limit = env("SANPHALANG_SIGN_IN_LIMIT")
    return (
        limiter.limit(limit, methods=["POST"], key_func=get_remote_address),
        limiter.limit(limit, methods=["POST"], key_func=lambda: "user:" + (request.form.get("username") or "").lower()),
    )


def secret_key(var_dir: Path) -> str:
    """SANPHALANG_SECRET_KEY, or a random key made once and kept in var/secret_key."""
    if key := env("SANPHALANG_SECRET_KEY"):
        return key
    path = var_dir / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header[:7].lower() == "bearer " else None


def init_app(app: Flask) -> None:
    config = settings()
    app.config.update(
        SECRET_KEY=secret_key(config.var_dir),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=env("SANPHALANG_SECURE_COOKIES") == "1",
        REMEMBER_COOKIE_HTTPONLY=True,
        WTF_CSRF_CHECK_DEFAULT=False,  # checked below, for what a cookie authenticates
        WTF_CSRF_TIME_LIMIT=None,  # as long as the session
        RATELIMIT_HEADERS_ENABLED=True,
    )
    csrf.init_app(app)
    limiter.init_app(app)
    _logins.init_app(app)
    _logins.session_protection = "basic"
    _logins.user_loader(lambda name: _Signed(user) if (user := users().get(name)) else None)
    _logins.request_loader(_from_token)

    @app.before_request
    def _check_csrf():
        # A Bearer token is not sent by browsers on their own, so it needs no CSRF token; an
        # anonymous API call has nothing to protect (it is refused by permissions anyway).
        if not current_app.config.get("WTF_CSRF_ENABLED", True):
            return
        if request.method in ("GET", "HEAD", "OPTIONS") or _bearer() is not None:
            return
        if request.path.startswith("/api/") and not current_user().signed_in:
            return
        csrf.protect()

    @app.before_request
    def _actor_name():
        g.user = current_user()

    app.register_error_handler(CSRFError, _csrf_failed)
    app.register_error_handler(429, lambda _error: errors.body("too_many_requests", 429))


def _from_token(_request):
    token = _bearer()
    if token is None:
        return None
    user = users().user_for_token(token)
    return _Signed(user, by_token=True) if user is not None else None


def _csrf_failed(_error: CSRFError):
    if request.path.startswith("/api/"):
        return errors.body("csrf_failed", 400)
    from flask import render_template

    return render_template("problem.html", code="csrf_failed"), 400
