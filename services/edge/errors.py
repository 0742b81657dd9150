"""Errors across RPC: caller errors cross as themselves, not as a generic RemoteError; and
what a caller of several RPCs (an import) makes of an error that ended its work."""
from nameko.exceptions import RpcTimeout, UnknownService, deserialize_to_instance

from services.chassis.errors import CALLER_ERRORS, FILE, CommandError

for _error in CALLER_ERRORS:
    deserialize_to_instance(_error)

UNAVAILABLE = (RpcTimeout, UnknownService, OSError, ConnectionError)  # no broker or service answered


def error_problem(error: Exception) -> dict:
    """A problem for an import that ended in an error: a caller error (a conflict with an edit
    made meanwhile, say) by its own code, a broker or service that did not answer as
    `unavailable`, anything else as `internal_error`."""
    if isinstance(error, CommandError):
        code = error.code
        params = {k: v for k, v in vars(error).items() if isinstance(v, (str, int))}
    else:
        code = "unavailable" if isinstance(error, UNAVAILABLE) else "internal_error"
        params = {}
    return {"field": FILE, "row": None, "code": code, "params": params, "column": ""}
