"""The gateway: HTTP and JSON for people and scripts, nameko RPC to the services behind it.
It owns users, sessions and import jobs; it holds no domain data."""
from . import messages  # noqa: F401  (its texts join the catalogue before any page or error needs them)
