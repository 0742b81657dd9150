"""Top-level test set-up. nameko's standalone RPC needs eventlet's monkey-patching before any
socket exists, or pytest hangs (DESIGN §3); psycopg must wait the green way (see cli._green)."""
import os

import eventlet

os.environ.setdefault("PSYCOPG_WAIT_FUNC", "wait_select")
eventlet.monkey_patch()
