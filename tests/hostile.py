"""How many hostile-input cases each suite tried (issue 16: the counts go in its closing note).
A suite calls `tried(part, cases=..., ...)`; the run's terminal summary lists every line
(tests/conftest.py) and var/test-artifacts/hostile-input.jsonl keeps them, one JSON object a
line, with the time of the run."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from tests.support import ROOT

RECORD = ROOT / "var" / "test-artifacts" / "hostile-input.jsonl"
LINES: list[str] = []  # this run's, for the terminal summary


def tried(part: str, **counts) -> str:
    """Record what `part` tried (cases, operations, answers...); returns the summary line."""
    line = f"{part}: " + ", ".join(f"{name} {value}" for name, value in counts.items())
    LINES.append(line)
    RECORD.parent.mkdir(parents=True, exist_ok=True)
    with RECORD.open("a", encoding="utf-8") as out:
        at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        out.write(json.dumps({"part": part, "at": at, **counts}, ensure_ascii=False) + "\n")
    print(line)
    return line


class Counted:
    """A counter of the examples a hypothesis test ran (each call of `count()` is one)."""

    def __init__(self):
        self.cases = 0

    def count(self) -> None:
        self.cases += 1


# -- what hostile input is made of (hypothesis strategies) ------------------------------------

def _strategies():
    """The strategies, made on first use (hypothesis stays out of a run that needs none)."""
    from hypothesis import strategies as st

    zero_width = "\u200b\u200c\u200d\u2060\ufeff"
    odd = "\x00\x07\x08\x1b\x7f\x85\u2028\u202e\ud7ff\ufffd\U0001f600\u0e33\u0e4d\u0e31\u0e48\u0e47"
    text = st.text(alphabet=st.characters(min_codepoint=0x0E01, max_codepoint=0x0E5B)
                   | st.sampled_from(list(zero_width + odd)) | st.characters(codec="utf-8"), max_size=40)
    huge = st.builds(lambda piece, n: piece * n, st.sampled_from(["ก", "a", "๑", "\u200b", " ", "<b>", "9,"]),
                     st.sampled_from([300, 5_000, 100_000]))
    numbers = (st.integers(-(2 ** 70), 2 ** 70) | st.floats(allow_nan=True, allow_infinity=True)
               | st.sampled_from([0, -1, 1, 2 ** 63, -(2 ** 63) - 1, 1e308, -0.0, 0.5]))
    formulas = st.sampled_from(["=1+1", '=HYPERLINK("http://example.com","x")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
                                "=cmd|'/c notepad'!A1"])
    plausible = st.sampled_from([
        "50", "5001", "500101", "10", "1026", "102601", "84", "P50", "BKK1", "TH", "savings_group", "strong",
        "volunteer", "leader", "consent", "written", "facebook", "healthy_community", "case_study", "active",
        "2568-03-15", "2026-01-01", "๒๕๖๕", "2999-12-31", "1,200", "๑๒", "0812345678", "+66812345678",
        "1234567890123", "1101700230708", "a@b.co", "https://example.org/x", "javascript:alert(1)",
        "<script>alert(1)</script>", "0190c3f6-0000-7000-8000-000000000001", "ไม่ทราบ", "หมู่ 3", "",
    ])
    scalars = st.none() | st.booleans() | numbers | text | huge | formulas | plausible
    values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                          | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=8)
    deep = st.builds(_nested, st.integers(20, 200), st.booleans())
    return st, values | deep


def _nested(depth: int, as_list: bool):
    value = "ลึก"
    for _ in range(depth):
        value = [value] if as_list else {"x": value}
    return value


def json_values():
    """Any JSON-ish value: None, booleans, numbers (NaN, infinities, past 64 bits), Thai,
    control and zero-width text, huge text, formula-like text, plausible codes and dates,
    lists and objects of them, deep nesting."""
    return _strategies()[1]


def payloads(names, base: dict | None = None):
    """Objects for a command whose fields are `names`: those fields (or a `base` payload's with
    some replaced, dropped or added) holding any JSON-ish value, now and then not an object at all."""
    st, values = _strategies()
    names = sorted(names)
    fields = st.dictionaries(st.sampled_from(names), values, max_size=len(names)) if names else st.just({})
    extra = st.dictionaries(st.text(max_size=12), values, max_size=2)
    shapes = [st.builds(lambda a, b: {**a, **b}, fields, extra), fields, values]
    if base:
        dropped = st.lists(st.sampled_from(sorted(base)), max_size=3)
        shapes.insert(0, st.builds(lambda changed, gone: {**{k: v for k, v in base.items() if k not in gone}, **changed},
                                   fields, dropped))
        shapes.insert(0, st.builds(lambda changed: {**base, **changed}, st.dictionaries(st.sampled_from(names), values,
                                                                                          min_size=1, max_size=2)))
    return st.one_of(*shapes)
