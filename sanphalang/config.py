"""The settings and the service registry, as the command line names them. They live below
every service (`services/settings.py`, `services/registry.py`); this module re-exports them."""
from __future__ import annotations

from services.registry import BUILT_SOURCES, DATABASES, GATEWAY, PROCESSES, SOURCES
from services.registry import SERVICES as _REGISTERED
from services.settings import DEFAULTS, Settings, database_url, env, settings

SERVICES = (*(s.name for s in _REGISTERED), GATEWAY)  # what `serve` knows of
RUNNING_SERVICES = PROCESSES  # built, and started by `up`
RUNNING_SOURCES = BUILT_SOURCES
DATABASE_SERVICES = DATABASES

__all__ = ["DATABASE_SERVICES", "DEFAULTS", "RUNNING_SERVICES", "RUNNING_SOURCES", "SERVICES", "SOURCES",
           "Settings", "database_url", "env", "settings"]
