"""Caller errors cross RPC as themselves, not as a generic RemoteError."""
from nameko.exceptions import deserialize_to_instance

from services.chassis.errors import CALLER_ERRORS

for _error in CALLER_ERRORS:
    deserialize_to_instance(_error)
