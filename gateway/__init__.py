"""The gateway: HTTP and JSON for people and scripts, nameko RPC to the services behind it.
It owns users, sessions and import jobs; it holds no domain data."""
