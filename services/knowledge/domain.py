"""The knowledge register's two aggregates as plain Python: a knowledge item and its workflow
(draft -> in review -> published -> archived), and a campaign issue with its results over
time. Each decision returns the events to append; `apply` folds an event into state."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from services import reference
from services.chassis.envelope import Pending, new_ids
from services.chassis.errors import CommandRejected, rejected
from services.contracts.knowledge import events as ev
from services.contracts.knowledge.limits import ATTACHMENTS_MAX
from services.contracts.knowledge.schemas import CAMPAIGN_FIELDS, ITEM_FIELDS, PLACE
from services.contracts.knowledge.vocabulary import ITEM_STATUSES

DRAFT, IN_REVIEW, PUBLISHED, ARCHIVED = ITEM_STATUSES  # the workflow's states, in order
EDITABLE = (DRAFT, PUBLISHED)  # an item in review waits for its reviewer; an archived one is restored first


@dataclass(frozen=True)
class Item:
    id: str
    version: int = 0
    status: str = DRAFT
    revision: int = 1
    values: dict = field(default_factory=dict)  # ITEM_FIELDS and `center`
    attachments: tuple = ()  # {sha256, name, type, size}

    @property
    def stream(self) -> str:
        return ev.stream_of(self.id)

    @property
    def center(self) -> str:
        return self.values["center"]

    def next(self, kind: str, data: dict, offset: int = 1) -> Pending:
        return Pending(stream=self.stream, version=self.version + offset, type=kind, data=data)

    def step(self, kind: str, note: str | None = None, revision: int | None = None) -> Pending:
        """A step of the workflow, carrying what reporting counts the item by."""
        return self.next(kind, {"center": self.center, "category": self.values["category"],
                                "kind": self.values["kind"], "revision": revision or self.revision, "note": note})


@dataclass(frozen=True)
class Campaign:
    id: str
    version: int = 0
    status: str = "planned"
    archived: bool = False
    values: dict = field(default_factory=dict)  # CAMPAIGN_FIELDS and `center`

    @property
    def stream(self) -> str:
        return ev.campaign_stream(self.id)

    @property
    def center(self) -> str:
        return self.values["center"]

    def next(self, kind: str, data: dict) -> Pending:
        return Pending(stream=self.stream, version=self.version + 1, type=kind, data=data)


# -- checks ---------------------------------------------------------------------------------

def known_center(code: str | None, row: int | None = None) -> str:
    if not code:
        raise CommandRejected([{"field": "center", "code": "knowledge_center_required", "row": row, "params": {}}])
    if reference.center(code) is None:
        raise CommandRejected([{"field": "center", "code": "knowledge_unknown_center", "row": row, "params": {}}])
    return code


def checked_place(values: dict, row: int | None = None) -> None:
    """A place, when one is given, whose codes agree with each other (any part may be left out)."""
    province, district, subdistrict = (values.get(name) or None for name in PLACE)
    if not (province or district or subdistrict):
        return
    problems = reference.check_location(province, district, subdistrict) if province else [("province", "required")]
    problems = [(f, c) for f, c in problems if c != "district_required_in_bangkok"]
    if problems:
        raise CommandRejected([{"field": f, "code": c, "row": row, "params": {}} for f, c in problems])


def _plain(values: dict) -> dict:
    """JSON-ready values: ids and dates as text."""
    out = dict(values)
    for name in ("orgs", "people", "workers"):
        if name in out:
            out[name] = [str(v) for v in out[name] or []]
    for name in ("starts_on", "ends_on"):
        if isinstance(out.get(name), date):
            out[name] = out[name].isoformat()
    return out


# -- items ----------------------------------------------------------------------------------

def draft(fields_: dict, center: str, item_id: str | None = None, row: int | None = None) -> Pending:
    """A new item, a draft of `center` (a known center; whether the writer may is the handler's)."""
    data = _plain({name: fields_.get(name) for name in ITEM_FIELDS})
    checked_place(data, row)
    data["center"] = known_center(center, row)
    return Pending(stream=ev.stream_of(item_id or new_ids(1)[0]), version=1, type=ev.DRAFTED, data=data)


def revise(item: Item, changes: dict) -> list[Pending]:
    """The fields that differ, as one revision; an edit after publication is a new revision,
    live at once (the earlier ones stay in the history). An edit that changes nothing appends
    nothing."""
    if item.status not in EDITABLE:
        raise rejected("_schema", "not_editable")
    changed = {k: v for k, v in _plain(changes).items() if k in ITEM_FIELDS and item.values.get(k) != v}
    if not changed:
        return []
    if set(changed) & set(PLACE):
        checked_place({**{k: item.values.get(k) for k in PLACE}, **{k: changed.get(k, item.values.get(k)) for k in PLACE}})
    revision = item.revision + 1 if item.status == PUBLISHED else item.revision
    return [item.next(ev.REVISED, {**changed, "revision": revision})]


_STEPS = {  # command -> (the state it starts from, its event)
    "submit": (DRAFT, ev.SUBMITTED),
    "return": (IN_REVIEW, ev.RETURNED),
    "publish": (IN_REVIEW, ev.PUBLISHED),
    "archive": (PUBLISHED, ev.ARCHIVED),
    "restore": (ARCHIVED, ev.RESTORED),
}


def take_step(item: Item, step: str, note: str | None = None) -> list[Pending]:
    """One step of the workflow from the state it starts from, else refused naming the state."""
    start, kind = _STEPS[step]
    if item.status != start:
        raise rejected("_schema", f"step_needs_{start}")
    return [item.step(kind, note)]


def attach(item: Item, attachment: dict) -> list[Pending]:
    if item.status not in EDITABLE:
        raise rejected("_schema", "not_editable")
    if any(a["sha256"] == attachment["sha256"] for a in item.attachments):
        raise rejected("file", "attachment_exists")
    if len(item.attachments) >= ATTACHMENTS_MAX:
        raise rejected("file", "too_many_attachments", max=ATTACHMENTS_MAX)
    return [item.next(ev.ATTACHED, dict(attachment))]


def detach(item: Item, sha256: str) -> list[Pending]:
    if item.status not in EDITABLE:
        raise rejected("_schema", "not_editable")
    if not any(a["sha256"] == sha256 for a in item.attachments):
        raise rejected("sha256", "attachment_unknown")
    return [item.next(ev.DETACHED, {"sha256": sha256})]


_STATUS_AFTER = {ev.SUBMITTED: IN_REVIEW, ev.RETURNED: DRAFT, ev.PUBLISHED: PUBLISHED, ev.ARCHIVED: ARCHIVED,
                 ev.RESTORED: PUBLISHED}


def apply(item: Item, event: dict) -> Item:
    kind, data, version = event["type"], event["data"], event["version"]
    if kind == ev.DRAFTED:
        return Item(id=item.id, version=version, values=dict(data))
    if kind == ev.REVISED:
        changed = {k: v for k, v in data.items() if k != "revision"}
        return replace(item, version=version, revision=data["revision"], values={**item.values, **changed})
    if kind in _STATUS_AFTER:
        return replace(item, version=version, status=_STATUS_AFTER[kind])
    if kind == ev.ATTACHED:
        return replace(item, version=version, attachments=(*item.attachments, dict(data)))
    if kind == ev.DETACHED:
        kept = tuple(a for a in item.attachments if a["sha256"] != data["sha256"])
        return replace(item, version=version, attachments=kept)
    return replace(item, version=version)


def replay(item_id: str, history: list[dict]) -> Item | None:
    item = None
    for event in history:
        item = apply(item or Item(id=item_id), event)
    return item


# -- campaigns ------------------------------------------------------------------------------

def register_campaign(fields_: dict, center: str, status: str, campaign_id: str | None = None,
                      row: int | None = None) -> Pending:
    data = _plain({name: fields_.get(name) for name in CAMPAIGN_FIELDS})
    checked_place({"province": data["province"]}, row)
    data["center"] = known_center(center, row)
    data["status"] = status
    return Pending(stream=ev.campaign_stream(campaign_id or new_ids(1)[0]), version=1, type=ev.CAMPAIGN_REGISTERED,
                   data=data)


def _open(campaign: Campaign) -> None:
    if campaign.archived:
        raise rejected("_schema", "campaign_archived")


def amend_campaign(campaign: Campaign, changes: dict) -> list[Pending]:
    _open(campaign)
    changed = {k: v for k, v in _plain(changes).items() if k in CAMPAIGN_FIELDS and campaign.values.get(k) != v}
    if "province" in changed:
        checked_place({"province": changed["province"]})
    return [campaign.next(ev.CAMPAIGN_AMENDED, changed)] if changed else []


def set_status(campaign: Campaign, status: str) -> list[Pending]:
    _open(campaign)
    if status == campaign.status:
        return []
    return [campaign.next(ev.CAMPAIGN_STATUS_CHANGED,
                          {"status": status, "previous": campaign.status, "center": campaign.center})]


def record_result(campaign: Campaign, result: dict) -> list[Pending]:
    _open(campaign)
    data = {name: result.get(name) for name in ("reach", "participants", "outcome_count", "outcome", "channel")}
    data["on"] = (result.get("on") or date.today()).isoformat()
    return [campaign.next(ev.RESULT_RECORDED, data)]


def archive_campaign(campaign: Campaign, reason: str | None) -> list[Pending]:
    if campaign.archived:
        return []
    return [campaign.next(ev.CAMPAIGN_ARCHIVED, {"center": campaign.center, "status": campaign.status, "reason": reason})]


def restore_campaign(campaign: Campaign, reason: str | None) -> list[Pending]:
    if not campaign.archived:
        raise rejected("_schema", "campaign_not_archived")
    return [campaign.next(ev.CAMPAIGN_RESTORED, {"center": campaign.center, "status": campaign.status, "reason": reason})]


def apply_campaign(campaign: Campaign, event: dict) -> Campaign:
    kind, data, version = event["type"], event["data"], event["version"]
    if kind == ev.CAMPAIGN_REGISTERED:
        values = {k: v for k, v in data.items() if k != "status"}
        return Campaign(id=campaign.id, version=version, status=data["status"], values=values)
    if kind == ev.CAMPAIGN_AMENDED:
        return replace(campaign, version=version, values={**campaign.values, **data})
    if kind == ev.CAMPAIGN_STATUS_CHANGED:
        return replace(campaign, version=version, status=data["status"])
    if kind in (ev.CAMPAIGN_ARCHIVED, ev.CAMPAIGN_RESTORED):
        return replace(campaign, version=version, archived=kind == ev.CAMPAIGN_ARCHIVED)
    return replace(campaign, version=version)
