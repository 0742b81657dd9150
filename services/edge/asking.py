"""Who is asking, for every worker of a service: `self.asking(assertion, action, key)` is the
verified actor (services.chassis.assertions.Asker); `self.signing(service, call)` an assertion
for a call this service makes to another, signed as itself with its own key (DESIGN §2a)."""
from __future__ import annotations

from nameko.extensions import DependencyProvider

from services.chassis.assertions import Asker
from services.settings import settings


class Asking(DependencyProvider):
    """The service's trusted keys; each worker gets an Asker that names its entrypoint."""

    def setup(self):
        self.keyring = settings().keyring(self.container.service_name)

    def get_dependency(self, worker_ctx):
        return Asker(self.keyring, worker_ctx.entrypoint.method_name)


class Signing(DependencyProvider):
    """The service's own signer: `self.signing("orgs", "events_since")` is a fresh assertion
    that this service asks orgs for that call."""

    def setup(self):
        self.signer = settings().signer(self.container.service_name)

    def get_dependency(self, worker_ctx):
        return lambda audience, call: self.signer.sign(self.signer.as_service(), audience, call)
