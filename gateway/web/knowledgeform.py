"""The knowledge item form: what a browser posts, checked with the schemas the knowledge
service uses; the fields an edit changed; and the service's problems by form input.

Lists are typed as text: tags separated by commas, organization and person ids one a line
(or separated by commas), and sources one a line, its title and then its web address
("รายงานประจำปี | https://example.org/report")."""
from __future__ import annotations

import re

from services.chassis.errors import CommandRejected
from services.chassis.messages import message
from services.chassis.thai import buddhist_era
from services.chassis.validation import load
from services.contracts.knowledge.schemas import ITEM_FIELDS, ItemChanges, ItemDraft

from . import diffs

INPUTS = (*ITEM_FIELDS, "center")
LONG = ("summary", "body", "orgs", "people", "sources")  # textareas: line breaks kept
_draft, _changes = ItemDraft(), ItemChanges()
_SEPARATORS = re.compile(r"[\s,]+")


def posted(form) -> dict:
    """The form as the user typed it (the long ones with their line breaks)."""
    values = {name: (form.get(name) or "").strip() for name in INPUTS if name not in LONG}
    values.update({name: (form.get(name) or "").replace("\r\n", "\n").strip() for name in LONG})
    return values


def ids(typed: str) -> list[str]:
    """Record ids typed one a line or separated by commas."""
    return [part for part in _SEPARATORS.split(typed or "") if part]


def sources(typed: str) -> list[dict]:
    """One source a line: its web address last, its title (optional) before it."""
    out = []
    for line in (typed or "").splitlines():
        parts = line.strip().rsplit(None, 1)
        if not parts:
            continue
        title = parts[0].strip().rstrip("|-–:").strip() if len(parts) == 2 else ""
        out.append({"title": title or None, "url": parts[-1]})
    return out


def payload(values: dict) -> dict:
    """Every field as the service takes it: blanks as None, lists parsed."""
    out = {name: (values.get(name) or None) for name in INPUTS}
    out["tags"] = values.get("tags") or ""
    out["orgs"], out["people"] = ids(values.get("orgs")), ids(values.get("people"))
    out["sources"] = sources(values.get("sources"))
    return out


def draft(values: dict, center: str | None) -> dict:
    """The payload of a new item (blank fields left out), checked here first so the page answers
    a typo without a round trip. Raises CommandRejected."""
    given = {k: v for k, v in payload(values).items() if v not in (None, "", []) and k != "center"}
    if center:
        given["center"] = center
    load(_draft, given)
    return given


def shown(item: dict, lang: str) -> dict:
    """An item's values as the form shows them: lists as text, the year as B.E. in Thai."""
    values = {name: "" if item.get(name) is None else str(item[name]) for name in INPUTS if name not in
              ("tags", "orgs", "people", "sources")}
    if item.get("year") and lang == "th":
        values["year"] = str(buddhist_era(int(item["year"])))
    values["tags"] = ", ".join(item.get("tags") or [])
    values["orgs"] = "\n".join(item.get("orgs") or [])
    values["people"] = "\n".join(item.get("people") or [])
    values["sources"] = "\n".join(f"{s['title']} | {s['url']}" if s.get("title") else s["url"]
                                  for s in item.get("sources") or [])
    return values


def _plain(value):
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return str(value) if hasattr(value, "hex") else value


def changes(values: dict, loaded: dict) -> tuple[dict, dict]:
    """The fields the user changed from the item as the form was loaded (`loaded`, a folded
    state), as the payload of a revision (a blank clears a field), and every field as typed.
    Raises CommandRejected."""
    given = {k: v for k, v in payload(values).items() if k != "center"}
    typed = {k: _plain(v) for k, v in load(_changes, given).items()}
    changed = {k: given[k] for k in ITEM_FIELDS if diffs.changes({k: loaded.get(k)}, {k: typed.get(k)})}
    return changed, typed


def input_of(field: str) -> str:
    """The input a problem of the service's `field` is shown at ("sources.0.url" at "sources")."""
    head = field.split(".")[0]
    return head if head in INPUTS else "_schema"


def problems(error: CommandRejected, lang: str) -> dict[str, list[str]]:
    """Messages by form input ("_schema": above the form); a line of a list says which."""
    out: dict[str, list[str]] = {}
    for problem in error.problems:
        said = message(problem["code"], **(problem.get("params") or {}))[lang]
        out.setdefault(input_of(problem["field"]), []).append(_with_line(problem["field"], said, lang))
    return out


def _with_line(field: str, said: str, lang: str) -> str:
    """"sources.1.url" is about the 2nd line of the sources: the message says so."""
    parts = field.split(".")
    if len(parts) > 1 and parts[1].isdigit() and parts[0] in LONG:
        return f"{message('web_knowledge_line', line=int(parts[1]) + 1)[lang]}: {said}"
    return said


def conflict(values: dict, typed: dict, mine: set, loaded: dict, current: dict, lang: str) -> tuple[list[dict], dict]:
    """A stale edit: each field the user (`mine`) or someone else changed, with the value as
    loaded, the current value and the user's; and the form that re-applies the user's changes
    onto the current version."""
    rows = diffs.conflict_rows(ITEM_FIELDS, typed, mine, loaded, current)
    reapply = {**shown(current, lang), **{k: values[k] for k in mine if k in values}}
    return rows, reapply
