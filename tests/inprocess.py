"""A service's RPC surface in this process, without a broker: the service's own nameko class,
its methods called as RPC would call them (so every RPC is there, the mixins' included, with
its arguments in the RPC's order), every argument and result through the wire format, its
dependencies given as plain objects (`log=store`). Each call is recorded.

    orgs = InProcess(OrgsService, log=store, asking=asker("orgs"))
    orgs.register(assertion, payload, key="key-1")   # or signed(orgs, user).register(payload, key=...)
    [name for name, _, _ in orgs.record]   # ["register"]

`Pool` hands a set of them to the gateway's app in place of its RPC pool."""
from __future__ import annotations

from contextlib import contextmanager
from types import SimpleNamespace

from services.chassis import wire


class InProcess:
    def __init__(self, service_class, **dependencies):
        self.service_class = service_class
        self.service = object.__new__(service_class)
        for name, value in dependencies.items():
            setattr(self.service, name, value)  # in place of the class's dependency providers
        self.record: list[tuple[str, list, dict]] = []  # (name, args, kwargs) of every call

    def __getattr__(self, name: str):
        method = getattr(self.service_class, name)  # AttributeError for a method the service has not
        if not getattr(method, "nameko_entrypoints", None):
            raise AttributeError(f"{self.service_class.__name__}.{name} is not one of its entrypoints")

        def call(*args, **kwargs):
            args, kwargs = wire.loads(wire.dumps([list(args), kwargs]))
            self.record.append((name, args, kwargs))
            return wire.loads(wire.dumps(method(self.service, *args, **kwargs)))

        return call

    def called(self, name: str) -> list[tuple[list, dict]]:
        """The (args, kwargs) of every call of `name`, in order."""
        return [(args, kwargs) for called, args, kwargs in self.record if called == name]


class Pool:
    """The gateway's RPC pool (`RpcPool`), over services in this process: `Pool(orgs=InProcess(...))`."""

    def __init__(self, **services):
        self.services = SimpleNamespace(**services)

    @contextmanager
    def cluster(self):
        yield self.services
