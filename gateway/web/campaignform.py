"""The campaign form: what a browser posts, checked with the schemas the knowledge service uses;
the fields an edit changed; and the service's problems by form input.

Channels are rows of three inputs (`channel_<n>`, `channel_url_<n>`, `channel_name_<n>`); a
blank row is left out, and the form is shown again with the rows it kept and blank ones to
add. The online workers are person ids, one a line (or separated by commas)."""
from __future__ import annotations

from datetime import date

from services.chassis.errors import CommandRejected
from services.chassis.messages import message
from services.chassis.thai import buddhist_era
from services.chassis.validation import load
from services.contracts.knowledge.limits import LINKS_MAX
from services.contracts.knowledge.schemas import CAMPAIGN_FIELDS, CampaignChanges, CampaignRegistration

from . import diffs
from .knowledgeform import ids

TEXT = ("title", "category", "tags", "province", "starts_on", "ends_on", "status", "center")
LONG = ("problem", "goal", "workers")
BLANK_ROWS = 2  # rows to add a channel in
_registration, _changes = CampaignRegistration(), CampaignChanges()


def posted(form) -> dict:
    """The form as the user typed it: text, the long ones with their line breaks, channel rows."""
    values = {name: (form.get(name) or "").strip() for name in TEXT}
    values.update({name: (form.get(name) or "").replace("\r\n", "\n").strip() for name in LONG})
    rows = []
    for n in range(LINKS_MAX + BLANK_ROWS):
        row = {k: (form.get(f"{prefix}{n}") or "").strip()
               for k, prefix in (("channel", "channel_"), ("url", "channel_url_"), ("name", "channel_name_"))}
        if any(row.values()):
            rows.append(row)
    values["channels"] = rows
    return values


def payload(values: dict) -> dict:
    """The campaign's fields as the service takes them: blanks as None, lists parsed."""
    out = {name: (values.get(name) or None) for name in (*TEXT, *LONG) if name not in ("status", "center")}
    out["tags"] = values.get("tags") or ""
    out["workers"] = ids(values.get("workers"))
    out["channels"] = [{"channel": row.get("channel") or None, "url": row.get("url") or None,
                        "name": row.get("name") or None} for row in values.get("channels") or []]
    return out


def registration(values: dict, center: str | None) -> dict:
    """The payload of a new campaign (blank fields left out), checked here first. Raises CommandRejected."""
    given = {k: v for k, v in payload(values).items() if v not in (None, "", [])}
    if values.get("status"):
        given["status"] = values["status"]
    if center:
        given["center"] = center
    load(_registration, given)
    return given


def _day_shown(value: str | None, lang: str) -> str:
    if not value:
        return ""
    day = date.fromisoformat(str(value)[:10])
    return f"{buddhist_era(day.year)}-{day:%m-%d}" if lang == "th" else day.isoformat()


def shown(campaign: dict, lang: str) -> dict:
    """A campaign's values as the form shows them: lists as text, dates with a B.E. year in Thai."""
    values = {name: "" if campaign.get(name) is None else str(campaign[name]) for name in ("title", "category",
              "province", "status", "center", "problem", "goal")}
    values["tags"] = ", ".join(campaign.get("tags") or [])
    values["workers"] = "\n".join(campaign.get("workers") or [])
    values.update({name: _day_shown(campaign.get(name), lang) for name in ("starts_on", "ends_on")})
    values["channels"] = [{k: row.get(k) or "" for k in ("channel", "url", "name")}
                          for row in campaign.get("channels") or []]
    return values


def _plain(value):
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, date):
        return value.isoformat()
    return str(value) if hasattr(value, "hex") else value


def changes(values: dict, loaded: dict) -> tuple[dict, dict]:
    """The fields the user changed from the campaign as the form was loaded, as the payload of
    an amendment (a blank clears a field), and every field as typed. Raises CommandRejected."""
    given = payload(values)
    typed = {k: _plain(v) for k, v in load(_changes, given).items()}
    changed = {k: given[k] for k in CAMPAIGN_FIELDS if diffs.changes({k: loaded.get(k)}, {k: typed.get(k)})}
    return changed, typed


def input_of(field: str) -> str:
    """The input a problem of the service's `field` is shown at ("channels.1.url" at "channel_url_1")."""
    parts = field.split(".")
    if parts[0] == "channels" and len(parts) == 3 and parts[1].isdigit():
        return f"channel_{parts[1]}" if parts[2] == "channel" else f"channel_{parts[2]}_{parts[1]}"
    return parts[0] if parts[0] in (*TEXT, *LONG, "channels") else "_schema"


def problems(error: CommandRejected, lang: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for problem in error.problems:
        said = message(problem["code"], **(problem.get("params") or {}))[lang]
        out.setdefault(input_of(problem["field"]), []).append(said)
    return out


def conflict(values: dict, typed: dict, mine: set, loaded: dict, current: dict, lang: str) -> tuple[list[dict], dict]:
    rows = diffs.conflict_rows(CAMPAIGN_FIELDS, typed, mine, loaded, current)
    reapply = {**shown(current, lang), **{k: values[k] for k in mine if k in values}}
    return rows, reapply
