"""The gateway's Flask application: the REST API under /api/v1 with its OpenAPI description,
and /health."""
from __future__ import annotations

from flask import Flask, g, jsonify, request
from flask_smorest import Api

from services.registry import BUILT_SERVICES, GATEWAY
from services.settings import settings

from . import errors
from .api import plain_id
from .rpc import RpcPool


class SanphalangApi(Api):
    ERROR_SCHEMA = errors.ErrorSchema

    def handle_http_exception(self, error):
        return errors.from_http_exception(error)


def create_app(pool: RpcPool | None = None) -> Flask:
    config = settings()
    app = Flask(__name__)
    app.config.update(
        API_TITLE="Sanphalang API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        MAX_CONTENT_LENGTH=8 * 1024 * 1024,
        # an item's attachment with its form (the knowledge service refuses a file over
        # SANPHALANG_ATTACHMENT_MAX_BYTES itself, naming the limit); set by the upload views
        UPLOAD_MAX_BYTES=config.attachment_max_bytes + 1024 * 1024,
        JSON_AS_ASCII=False,
    )
    app.json.ensure_ascii = False
    app.extensions["rpc"] = pool or RpcPool(config.nameko_config(), config.rpc_timeout, size=config.rpc_pool)
    app.extensions["health_rpc"] = RpcPool(config.nameko_config(), timeout=3, size=2)
    app.extensions["signer"] = config.signer(GATEWAY)  # signs who is asking, for every call (DESIGN §2a)
    api = SanphalangApi(app, spec_kwargs={"info": {"description": "สานพลัง — Sanphalang: the network's database"}})
    errors.register(app)
    from . import auth

    auth.init_app(app)

    from .api import indicators, orgs

    api.register_blueprint(orgs.blp, url_prefix="/api/v1/orgs")
    api.register_blueprint(indicators.blp, url_prefix="/api/v1/indicators")
    from .api import dashboard
    api.register_blueprint(dashboard.blp, url_prefix="/api/v1/dashboard")
    from .api import spreadsheets
    api.register_blueprint(spreadsheets.blp, url_prefix="/api/v1/orgs")
    from .api import people
    api.register_blueprint(people.blp, url_prefix="/api/v1/people")
    api.register_blueprint(spreadsheets.people_blp, url_prefix="/api/v1/people")
    from .api import campaigns, knowledge
    api.register_blueprint(knowledge.blp, url_prefix="/api/v1/knowledge")
    api.register_blueprint(campaigns.blp, url_prefix="/api/v1/campaigns")
    from .api import learn
    api.register_blueprint(learn.blp, url_prefix="/api/v1/learn")  # the public learning portal, no sign-in
    from . import web
    web.register(app)  # the pages (gateway/web/)

    @app.before_request
    def _request_id():
        g.request_id = plain_id(request.headers.get("X-Request-Id"))

    @app.after_request
    def _echo_request_id(response):
        response.headers["X-Request-Id"] = g.get("request_id", "")
        return response

    from . import logs
    logs.init_app(app)  # one line per request, bound to g.request_id (registered after the hook above)
    from . import metrics
    metrics.init_app(app)  # requests counted and timed by route and status (served on the metrics port)

    @app.get("/health")
    def health():
        return _health(app.extensions["health_rpc"])

    return app


def _health(pool: RpcPool):
    report, ok = {"gateway": {"ok": True}}, True
    for service in BUILT_SERVICES:
        try:
            with pool.cluster() as rpc:
                answer = getattr(rpc, service).health()
            report[service] = {"ok": bool(answer.get("database")), "broker": True, "database": answer.get("database")}
            if "freshness" in answer:  # reporting: per source, the last event projected and its lag
                report[service]["freshness"] = answer["freshness"]
        except Exception as error:  # unreachable broker or service: say so, don't fail
            report[service] = {"ok": False, "error": type(error).__name__}
        ok = ok and report[service]["ok"]
    response = jsonify({"ok": ok, "services": report})
    response.status_code = 200 if ok else 503
    return response
