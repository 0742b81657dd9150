"""Where the people register's events hold personal values (`events.SEALED`), and sealing or
opening them with the person's sealer. An event whose person has no key any more (erased)
opens with those values as None and `unreadable` set."""
from __future__ import annotations

from dataclasses import replace

from services.chassis.envelope import Pending
from services.chassis.privacy.sealing import Sealer, Unreadable, is_sealed
from services.contracts.people import events as ev


def subject_of(event) -> str:
    """The person an event's personal values belong to (a request's, its person)."""
    stream, data = (event.stream, event.data) if isinstance(event, Pending) else (event["stream"], event["data"])
    return data["person"] if stream.startswith("request-") and "person" in data else ev.person_id_of(stream)


def _places(kind: str):
    for place in ev.SEALED.get(kind, ()):
        yield place if isinstance(place, tuple) else (None, place)


def _map(data: dict, kind: str, change) -> dict:
    data = dict(data)
    for parent, name in _places(kind):
        holder = data if parent is None else data.get(parent)
        if isinstance(holder, dict) and name in holder:
            if parent is not None:
                holder = data[parent] = dict(holder)
            holder[name] = change(name, holder[name])
    return data


def seal(pending: Pending, sealer: Sealer) -> Pending:
    return replace(pending, data=_map(pending.data, pending.type, sealer.seal))


def seal_all(pending: list[Pending], sealers: dict[str, Sealer]) -> list[Pending]:
    """Every event with its personal values sealed; KeyError for a person without a key."""
    return [seal(p, sealers[subject_of(p)]) if p.type in ev.SEALED else p for p in pending]


def open_event(event: dict, sealer: Sealer | None) -> dict:
    """A stored event with its personal values in plaintext; unreadable ones None."""
    if event["type"] not in ev.SEALED:
        return event
    unreadable = []

    def opened(name, token):
        if not is_sealed(token):
            return token
        try:
            if sealer is None:
                raise Unreadable(name)
            return sealer.open(name, token)
        except Unreadable:
            unreadable.append(name)
            return None

    out = {**event, "data": _map(event["data"], event["type"], opened)}
    if unreadable:
        out["unreadable"] = True
    return out


def sealed_fields(event: dict) -> list[str]:
    return [name for parent, name in _places(event["type"])
            if is_sealed((event["data"] if parent is None else event["data"].get(parent) or {}).get(name))]
