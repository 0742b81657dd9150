#!/usr/bin/env python3
"""Give each Sanphalang broker user the password its process connects with.

definitions.json declares the users without a password (nobody can sign in as them), because
passwords are not committed. This script takes every environment variable named
`<NAME>_AMQP_URI` (amqp://user:password@host:port/vhost, the password percent-encoded, as the
process itself is given it) and sets that user's password to the one in the URI, so the
broker and the processes read the same Secret. A URI with an empty password is skipped (the
user stays unable to sign in); the `CHANGE-ME` placeholder is refused.

Two ways to reach the broker:

- `rabbitmqctl change_password` (the default; Docker Compose): run where rabbitmqctl reaches
  the node, with its Erlang cookie. `RABBITMQ_NODENAME` names the node (rabbit@rabbitmq).
- the management HTTP API, when `RABBITMQ_MANAGEMENT_URI` is set
  (https://admin:password@rabbitmq.example:15671/, a user tagged `administrator`): a
  `PUT /api/users/<name>` per user (Kubernetes: the `broker-users` Job).

Setting a password again is harmless: run it after every definitions import (importing the
file clears the passwords of the users it declares). Python 3 standard library only: it runs
in the rabbitmq:3.13-management image and in the Sanphalang image. Exits non-zero on the
first user it could not set; never prints a password.
"""
from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

PLACEHOLDER = "CHANGE-ME"
URI_VARIABLE = re.compile(r"[A-Z][A-Z0-9_]*_AMQP_URI")
OWN_CONNECTION = "SANPHALANG_AMQP_URI"  # a process's own setting, not a list of users


class Refused(Exception):
    pass


def credentials(uri: str) -> tuple[str, str]:
    """The user name and password of an AMQP URI, percent-decoded (as kombu decodes them)."""
    parts = urllib.parse.urlsplit(uri)
    if parts.scheme not in ("amqp", "amqps") or not parts.username:
        raise Refused("not an amqp:// URI with a user name")
    return urllib.parse.unquote(parts.username), urllib.parse.unquote(parts.password or "")


def users_from(environ) -> list[tuple[str, str, str]]:
    """(variable, user, password) for every `<NAME>_AMQP_URI`, sorted by variable."""
    found = []
    for name in sorted(environ):
        if URI_VARIABLE.fullmatch(name) and name != OWN_CONNECTION:
            user, password = credentials(environ[name])
            found.append((name, user, password))
    return found


def with_rabbitmqctl(user: str, password: str) -> None:
    # `--`: a password may begin with "-"
    done = subprocess.run(["rabbitmqctl", "--quiet", "change_password", "--", user, password],
                          capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise Refused(f"rabbitmqctl exited {done.returncode}: {(done.stderr or done.stdout).strip()}")


def with_http_api(management_uri: str):
    parts = urllib.parse.urlsplit(management_uri)
    if parts.scheme not in ("http", "https") or not parts.username or not parts.password:
        raise Refused("RABBITMQ_MANAGEMENT_URI must be http(s)://user:password@host:port/")
    if urllib.parse.unquote(parts.password) == PLACEHOLDER:
        raise Refused(f"RABBITMQ_MANAGEMENT_URI still holds the {PLACEHOLDER} placeholder")
    admin = f"{urllib.parse.unquote(parts.username)}:{urllib.parse.unquote(parts.password)}"
    authorization = "Basic " + base64.b64encode(admin.encode()).decode()
    base = f"{parts.scheme}://{parts.hostname}{f':{parts.port}' if parts.port else ''}{parts.path.rstrip('/')}"

    def set_password(user: str, password: str) -> None:
        # PUT creates the user or replaces its password and tags; the definitions give every
        # Sanphalang user no tags.
        request = urllib.request.Request(
            f"{base}/api/users/{urllib.parse.quote(user, safe='')}",
            data=json.dumps({"password": password, "tags": ""}).encode(), method="PUT",
            headers={"Content-Type": "application/json", "Authorization": authorization},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            raise Refused(f"the management API answered {error.code} {error.reason}") from None
        if status not in (200, 201, 204):
            raise Refused(f"the management API answered {status}")

    return set_password


def main(environ=os.environ) -> int:
    try:
        users = users_from(environ)
    except Refused as error:
        print(f"set-passwords: {error}", file=sys.stderr)
        return 2
    if not users:
        print("set-passwords: no <NAME>_AMQP_URI variable is set", file=sys.stderr)
        return 2
    placeholders = [variable for variable, _, password in users if password == PLACEHOLDER]
    if placeholders:
        print(f"set-passwords: still the {PLACEHOLDER} placeholder: {', '.join(placeholders)}", file=sys.stderr)
        return 2
    management = environ.get("RABBITMQ_MANAGEMENT_URI")
    try:
        set_password = with_http_api(management) if management else with_rabbitmqctl
    except Refused as error:
        print(f"set-passwords: {error}", file=sys.stderr)
        return 2
    if not management:
        # Waits for the node to finish booting, which includes importing the definitions.
        subprocess.run(["rabbitmqctl", "--quiet", "await_startup"], capture_output=True, timeout=300)
    for variable, user, password in users:
        if not password:
            print(f"{user}: no password in {variable}, left unable to sign in")
            continue
        try:
            set_password(user, password)
        except (Refused, OSError, subprocess.SubprocessError) as error:
            print(f"set-passwords: {user} ({variable}): {error}", file=sys.stderr)
            return 1
        print(f"{user}: password set from {variable}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
