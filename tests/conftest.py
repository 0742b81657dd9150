"""Top-level test set-up. nameko's standalone RPC needs eventlet's monkey-patching before any
socket exists, or pytest hangs (DESIGN §3)."""
import eventlet

eventlet.monkey_patch()
