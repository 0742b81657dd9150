"""Errors a command or query can end in, as opposed to bugs. Each keeps its state as one
JSON string in `args`, so it crosses RPC intact (nameko turns other args into text)."""
from __future__ import annotations

import json

from .messages import message

WIRE = "wire:"
FILE = "_file"  # the field of a problem with a whole file (a spreadsheet), not one of its cells


class CommandError(Exception):
    code = "invalid"

    def __init__(self, *args):
        if len(args) == 1 and isinstance(args[0], str) and args[0].startswith(WIRE):
            state = json.loads(args[0].removeprefix(WIRE))
        else:
            state = self._state(*args)
        self.__dict__.update(state)
        super().__init__(WIRE + json.dumps(state, ensure_ascii=False))

    def _state(self, *args) -> dict:
        raise NotImplementedError

    def to_dict(self) -> dict:
        return {"code": self.code, "message": message(self.code)}


class CommandRejected(CommandError):
    """Input failed validation. `problems` lists {field, code, row, params} entries."""

    code = "validation_failed"

    def _state(self, problems: list[dict]) -> dict:
        return {"problems": problems}

    def to_dict(self) -> dict:
        fields = [
            {
                "field": p["field"],
                "row": p.get("row"),
                "code": p["code"],
                "message": message(p["code"], **(p.get("params") or {})),
            }
            for p in self.problems
        ]
        return {**super().to_dict(), "fields": fields}

    def __str__(self) -> str:
        return "; ".join(f"row {p.get('row')} {p['field']}: {p['code']}" for p in self.problems)


class Conflict(CommandError):
    """The expected version is stale: someone else appended to the stream first."""

    code = "conflict"

    def _state(self, stream: str, current_version: int) -> dict:
        return {"stream": stream, "current_version": current_version}

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "message": message(self.code, current_version=self.current_version),
            "current_version": self.current_version,
        }


class NotFound(CommandError):
    code = "not_found"

    def _state(self, stream: str) -> dict:
        return {"stream": stream}


class Archived(CommandError):
    code = "archived"

    def _state(self, stream: str) -> dict:
        return {"stream": stream}


class Forbidden(CommandError):
    """`user` may not do `action`: 403 `forbidden` when signed in, else 401 `sign_in_required`."""

    def _state(self, user, action: str) -> dict:
        return {"action": action, "code": "forbidden" if user.signed_in else "sign_in_required"}

    @property
    def status(self) -> int:
        return 403 if self.code == "forbidden" else 401


class AssertionRefused(CommandError):
    """The assertion of who is asking is missing, malformed, expired, forged, signed by an
    unknown key, or signed for another request or service (DESIGN §2a); `code` says which."""

    def _state(self, code: str) -> dict:
        return {"code": code}


def rejected(field: str, code: str, row: int | None = None, **params) -> CommandRejected:
    return CommandRejected([{"field": field, "code": code, "row": row, "params": params}])


CALLER_ERRORS = (CommandRejected, Conflict, NotFound, Archived, Forbidden, AssertionRefused)
