"""Realistic demo content for the knowledge register: knowledge items and case studies of a Thai
civil-society network (every category and kind, every province, Markdown bodies of 2 to 20 KB
written from the banks of `demo_topics` and `demo_sentences`), and province campaign issues
(`demo_issues`) with their results over time. Seeded, so two runs compare; `sanphalang demo
--knowledge N --campaigns M` loads them through the knowledge service."""
from __future__ import annotations

import math
import random
import re
from datetime import date, timedelta
from functools import cache

from services import reference
from services.contracts.knowledge.vocabulary import CATEGORIES, KINDS

from .demo import _subdistricts, chunks
from .demo_issues import ISSUES, OFFLINE_NAMES, Issue
from .demo_sentences import (
    AFFECTED, CAUTIONS, CHALLENGES, FAMILY_NAMES, FAQ, GIVEN_NAMES, INTROS, KIND_TAGS, LANDSCAPES, LESSONS, LIVELIHOODS,
    MONITOR_ROWS, PARTNERS, PREPARE, QUOTES, ROLES, SECTIONS, SENTENCES, SOURCE_HOSTS, SOURCE_PATHS, SOURCE_TITLES,
    SUCCESS, SUMMARIES, TITLES, VILLAGE_FIRST, VILLAGE_SECOND,
)
from .demo_topics import TOPICS, Topic

BODY_MIN, BODY_MAX = 2_000, 20_000  # UTF-8 bytes of a body
BODY_ROOM = 800  # kept free while a body grows, for its closing list of links
KIND_WEIGHTS = {"case_study": 40, "knowledge": 25, "lesson_learned": 20, "manual": 15}
URBAN_TOPICS = tuple(t for t in TOPICS if t.key not in ("community_forest", "land_rights"))  # not Bangkok's
VIDEO_ID = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
GENERIC_PRODUCTS = ("ผ้าทอมือ", "ข้าวอินทรีย์", "ผลิตภัณฑ์สมุนไพร", "ขนมพื้นบ้าน")
assert set(KIND_WEIGHTS) == set(KINDS) and {t.category for t in TOPICS} == set(CATEGORIES)


# -- places --------------------------------------------------------------------------------

@cache
def _by_province() -> dict[str, list]:
    places: dict[str, list] = {}
    for place in _subdistricts():
        places.setdefault(place.province_code, []).append(place)
    return places


def _province_order(rnd: random.Random) -> list[str]:
    """Every province once in a shuffled order: row n takes the (n mod 77)-th, so all appear."""
    codes = sorted(_by_province())
    rnd.shuffle(codes)
    return codes


def _where(place) -> dict[str, str]:
    """The words of a subdistrict's place, as the sentences name them (Bangkok's own way)."""
    bangkok = place.province_code == reference.BANGKOK
    province = reference.province(place.province_code).name_th
    district = reference.district(place.district_code).name_th  # Bangkok's: "เขต..."
    center = reference.center_for(place.province_code, place.district_code)
    words = {
        "prov": province, "province": province if bangkok else f"จังหวัด{province}",
        "district": district if bangkok else f"อำเภอ{district}",
        "subdistrict": f"{'แขวง' if bangkok else 'ตำบล'}{place.name_th}", "sub_name": place.name_th,
        "center": center.name_th, "center_short": center.name_th.removeprefix("ศูนย์ประสานภาคีการพัฒนา").strip(),
        "center_code": center.code, "region": reference.region_of(place.province_code) or "central",
    }
    words["local_gov"] = f"สำนักงาน{district}" if bangkok else f"องค์การบริหารส่วนตำบล{place.name_th}"
    words["health_unit"] = (f"ศูนย์บริการสาธารณสุขใน{district}" if bangkok
                            else f"โรงพยาบาลส่งเสริมสุขภาพตำบล{place.name_th}")
    return words


def _village(rnd: random.Random, where: dict) -> str:
    region = where["region"]
    if region == "bangkok":
        return "ชุมชน" + rnd.choice(VILLAGE_FIRST[region]) + rnd.choice(VILLAGE_SECOND)
    if rnd.random() < 0.3:
        return f"บ้าน{where['sub_name']}"
    return "บ้าน" + rnd.choice(VILLAGE_FIRST.get(region, VILLAGE_FIRST["central"])) + rnd.choice(VILLAGE_SECOND)


@cache
def _other_provinces() -> tuple[str, ...]:
    return tuple(p.name_th for p in reference.provinces() if p.code != reference.BANGKOK)


# -- sentences -----------------------------------------------------------------------------

def _pick(name: str):
    return lambda slots: slots.rnd.choice(getattr(slots.topic, name))


def _filled(bank):
    return lambda slots: slots.fill(slots.rnd.choice(bank))


# the values a sentence gets afresh each time it names them
FRESH = {
    "term": _pick("terms"), "term2": _pick("terms"), "activity": _pick("activities"), "problem": _pick("problems"),
    "outcome": lambda s: s.fill(s.rnd.choice(s.topic.outcomes)), "partner": _filled(PARTNERS),
    "partner2": _filled(PARTNERS), "lesson": lambda s: s.rnd.choice(LESSONS),
    "challenge": lambda s: s.rnd.choice(CHALLENGES), "success_clause": lambda s: s.rnd.choice(SUCCESS),
    "affected": lambda s: s.rnd.choice(AFFECTED),
    "other_place": lambda s: f"ชุมชนต้นแบบในจังหวัด{s.rnd.choice(_other_provinces())}",
    "small": lambda s: s.rnd.randint(5, 30), "members": lambda s: s.rnd.randint(40, 500),
    "households": lambda s: s.rnd.randint(30, 800), "money": lambda s: f"{s.rnd.randint(10, 3000) * 1000:,}",
    "money_small": lambda s: f"{s.rnd.randint(6, 60) * 50:,}", "percent": lambda s: s.rnd.randint(15, 90),
    "share": lambda s: s.rnd.randint(18, 35), "months": lambda s: s.rnd.randint(6, 48),
    "visits": lambda s: s.rnd.randint(10, 120), "km": lambda s: s.rnd.randint(3, 25),
}


class Slots:
    """What an item's sentences name: its own fixed values (place, group, topic...), and fresh
    ones (a term, a partner, a number) each time a sentence names them."""

    def __init__(self, rnd: random.Random, topic: Topic, fixed: dict):
        self.rnd, self.topic, self.fixed = rnd, topic, fixed
        self.decks: dict[str, list] = {}

    def __getitem__(self, name: str):
        value = self.fixed.get(name)
        return FRESH[name](self) if value is None else value

    def fill(self, template: str) -> str:
        return template.format_map(self)

    def draw(self, name: str, bank, again: bool = True):
        """The next of a bank shuffled for this item: all of them before any comes again (none
        again, but None, unless `again`), so that a long body repeats itself as little as it can."""
        deck = self.decks.get(name)
        if not deck:
            if deck is not None and not again:
                return None
            deck = self.decks[name] = list(bank)
            self.rnd.shuffle(deck)
        return deck.pop()


def _slots(rnd: random.Random, topic: Topic, where: dict, year: int) -> Slots:
    slots = Slots(rnd, topic, dict(where))
    region = where["region"]
    fixed = slots.fixed
    fixed.update(
        topic=topic.name, definition=topic.definition, benefit=topic.benefit, manual=topic.manual,
        audience=topic.audience, rule=topic.rule, step=topic.steps[0], village=_village(rnd, where),
        product=rnd.choice(topic.products or GENERIC_PRODUCTS), year_be=year + 543,
        year_start=year + 543 - rnd.randint(2, 15), livelihood=rnd.choice(LIVELIHOODS[region]),
        landscape=rnd.choice(LANDSCAPES[region]), leader=f"คุณ{rnd.choice(GIVEN_NAMES)} {rnd.choice(FAMILY_NAMES)}",
        role=rnd.choice(ROLES),
    )
    fixed["group"] = slots.fill(rnd.choice(topic.groups))
    # Bangkok's communities have no village number
    moo = "" if region == "bangkok" else f" หมู่ที่ {rnd.randint(1, 15)}"
    fixed["place"] = f"{fixed['village']}{moo} {where['subdistrict']} {where['district']} {where['province']}"
    return slots


def _paragraph(slots: Slots, kind: str, low: int = 2, high: int = 5) -> str:
    """A few sentences of a section's kind, now and then one of the topic's facts among them."""
    rnd, sentences = slots.rnd, []
    for _ in range(rnd.randint(low, high)):
        fact = slots.draw("facts", slots.topic.facts, again=False) if rnd.random() < 0.15 else None
        sentences.append(slots.fill(fact or slots.draw(kind, SENTENCES[kind])))
    return " ".join(dict.fromkeys(sentences))  # a sentence drawn twice in one paragraph is said once


def _bullets(slots: Slots, bank, low: int, high: int, numbered: bool = False) -> str:
    picked = slots.rnd.sample(bank, min(len(bank), slots.rnd.randint(low, high)))
    return "\n".join(f"{f'{n}.' if numbered else '-'} {slots.fill(line)}" for n, line in enumerate(picked, start=1))


def _table(slots: Slots) -> str:
    rows = slots.rnd.sample(MONITOR_ROWS, slots.rnd.randint(3, len(MONITOR_ROWS)))
    lines = ["| ตัวชี้วัด | วิธีเก็บข้อมูล | ความถี่ |", "| --- | --- | --- |"]
    return "\n".join(lines + [f"| {a} | {b} | {c} |" for a, b, c in rows])


def _quote(slots: Slots) -> str:
    return f"> “{slots.rnd.choice(QUOTES)}” — {slots['leader']} {slots['role']}"


# the blocks a section of each kind starts with (the n-th block, n from 0), before plain paragraphs
def _special(slots: Slots, kind: str, n: int) -> str | None:
    topic, rnd = slots.topic, slots.rnd
    if kind == "steps":
        if n == 0:
            return "\n".join(f"{number}. {step}" for number, step in enumerate(topic.steps, start=1))
        if n <= len(topic.steps):
            return f"### ขั้นตอนที่ {n}: {topic.steps[n - 1]}\n\n{_paragraph(slots, 'process', 2, 4)}"
    if kind == "faq" and n < len(FAQ):
        question, answer = slots.fixed["faq"][n]
        return f"### {question}\n\n{slots.fill(answer)}"
    first = {"prepare": (PREPARE, 4, 6), "caution": (CAUTIONS, 3, 4), "success": (SUCCESS, 3, 5),
             "principle": (SENTENCES["principle"], 3, 4)}
    second = {"problem": (topic.problems, 3, 4), "process": (topic.activities, 3, 6), "result": (topic.outcomes, 3, 5),
              "lesson": (LESSONS, 3, 5), "apply": (topic.steps, 3, 5)}
    if n == 0 and kind in first:
        return _bullets(slots, *first[kind])
    if n == 1 and kind in second:
        return _bullets(slots, *second[kind], numbered=kind in ("process", "apply"))
    if kind == "monitor" and n == 1:
        return _table(slots)
    if n >= 2 and kind in ("background", "result", "lesson", "process") and rnd.random() < 0.15:
        return _quote(slots)
    return None


PARAGRAPH_OF = {"prepare": "apply", "steps": "process", "faq": "apply", "caution": "challenge"}


def _block(slots: Slots, kind: str, n: int) -> str:
    return _special(slots, kind, n) or _paragraph(slots, PARAGRAPH_OF.get(kind, kind))


# -- items ---------------------------------------------------------------------------------

def _size(text: str) -> int:
    return len(text.encode()) + 2  # and the blank line after it


def _sections(rnd: random.Random, kind: str, target: int) -> list[tuple[str, str, list[str]]]:
    """The sections of a body: all of its kind's for a long one, the first and a few more for a short one."""
    plan = SECTIONS[kind]
    keep = len(plan) if target > 6_000 else min(len(plan), 3 + (target > 3_500))
    chosen = [0, *sorted(rnd.sample(range(1, len(plan)), keep - 1))]
    return [(plan[i][0], plan[i][1], []) for i in chosen]


def _body(slots: Slots, kind: str, sources: list[dict]) -> str:
    """A Markdown body of BODY_MIN..BODY_MAX bytes: an opening paragraph, then `##` sections
    grown block by block until a size drawn at random (log-uniform) is reached."""
    rnd = slots.rnd
    target = int(math.exp(rnd.uniform(math.log(BODY_MIN + 300), math.log(BODY_MAX - 1_500))))
    intro = slots.fill(rnd.choice(INTROS[kind])).replace(slots["group"], f"**{slots['group']}**", 1)
    sections = _sections(rnd, kind, target)
    size = _size(intro) + sum(_size(f"## {heading}") for heading, _, _ in sections)
    for n in range(400):
        heading, section_kind, blocks = sections[n % len(sections)] if n < len(sections) else rnd.choice(sections)
        block = _block(slots, section_kind, len(blocks))
        if size + _size(block) > BODY_MAX - BODY_ROOM or (size >= target and n >= len(sections)):
            break
        blocks.append(block)
        size += _size(block)
    parts = [intro]
    for heading, _, blocks in sections:
        parts += [f"## {heading}", *blocks]
    if sources and rnd.random() < 0.5:
        links = "\n".join(f"- [{s.get('title') or s['url']}]({s['url']})" for s in sources)
        parts += ["## แหล่งข้อมูลเพิ่มเติม", links]
    return "\n\n".join(parts)


def _sources(slots: Slots, year: int, number: int) -> list[dict]:
    """0 to 3 links, well formed and fictional (example.* hosts), now and then a video."""
    rnd, links = slots.rnd, []
    for n in range(rnd.choice((0, 1, 1, 2, 2, 3))):
        title = slots.fill(rnd.choice(SOURCE_TITLES))
        if title.startswith("วิดีโอ"):
            url = "https://www.youtube.com/watch?v=" + "".join(rnd.choice(VIDEO_ID) for _ in range(11))
        else:
            url = (f"https://{rnd.choice(SOURCE_HOSTS)}/{rnd.choice(SOURCE_PATHS)}/{slots.topic.slug}/"
                   f"{year}-{number:05d}-{n + 1}{rnd.choice(('', '', '.pdf'))}")
        links.append({"title": title if rnd.random() < 0.9 else None, "url": url})
    return links


def _tags(rnd: random.Random, topic: Topic, kind: str, where: dict) -> list[str]:
    tags = rnd.sample(topic.tags, rnd.randint(2, 4))
    if rnd.random() < 0.5:
        tags.append(where["prov"])
    if rnd.random() < 0.3:
        tags.append(KIND_TAGS[kind])
    return tags


def _year(rnd: random.Random) -> int:
    """A C.E. year, mostly 2019 to this year (never a future one: a year may not be)."""
    latest = min(2026, date.today().year)
    return rnd.randint(2019, latest) if rnd.random() < 0.9 else rnd.randint(2010, 2018)


def item_rows(count: int, seed: int = 2563) -> list[dict]:
    """`count` payloads of `schemas.ItemDraft`, each of its place's center."""
    rnd = random.Random(seed)
    provinces, kinds, weights = _province_order(rnd), list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
    rows = []
    for n in range(count):
        place = rnd.choice(_by_province()[provinces[n % len(provinces)]])
        topics = URBAN_TOPICS if place.province_code == reference.BANGKOK else TOPICS
        topic, kind, year = rnd.choice(topics), rnd.choices(kinds, weights)[0], _year(rnd)
        where = _where(place)
        slots = _slots(rnd, topic, where, year)
        slots.fixed["faq"] = rnd.sample(FAQ, len(FAQ))
        sources = _sources(slots, year, n + 1)
        row = {
            "title": slots.fill(rnd.choice(TITLES[kind])), "body": _body(slots, kind, sources),
            "category": topic.category, "kind": kind, "tags": _tags(rnd, topic, kind, where),
            "province": place.province_code, "district": place.district_code, "subdistrict": place.code,
            "sources": sources, "language": "th", "year": year + 543 if rnd.random() < 0.3 else year,
            "center": where["center_code"],
        }
        if rnd.random() < 0.85:
            row["summary"] = slots.fill(SUMMARIES[kind])
        rows.append(row)
    return rows


# -- campaigns -----------------------------------------------------------------------------

STATUS_WEIGHTS = {"planned": 2, "active": 4, "concluded": 4}
ONLINE = ("facebook", "x", "line", "youtube", "tiktok", "website")
RURAL = frozenset({"forestfire"})  # not a Bangkok campaign


def _dates(rnd: random.Random, status: str, today: date) -> tuple[date, date | None]:
    """Start and end consistent with the status: a plan starts later, a concluded campaign has ended."""
    if status == "planned":
        starts = today + timedelta(days=rnd.randint(7, 150))
        return starts, starts + timedelta(days=rnd.randint(30, 365))
    if status == "active":
        ends = today + timedelta(days=rnd.randint(7, 300)) if rnd.random() < 0.8 else None
        return today - timedelta(days=rnd.randint(7, 400)), ends
    ends = today - timedelta(days=rnd.randint(1, 900))
    return ends - timedelta(days=rnd.randint(14, 365)), ends


def _numbers(rnd: random.Random, **words) -> dict:
    return {"count": f"{rnd.randint(5, 5_000):,}", "percent": rnd.randint(10, 80),
            "money": f"{rnd.randint(2, 500) * 1_000:,}", **words}


def _channels(rnd: random.Random, issue: Issue, handle: str, district: str, title: str) -> list[dict]:
    codes = rnd.sample(ONLINE, rnd.randint(1, 4)) + (["offline"] if rnd.random() < 0.6 else [])
    addresses = {
        "facebook": f"https://www.facebook.com/{handle}", "x": f"https://x.com/{handle[:15]}",
        "line": f"https://line.me/R/ti/p/@{handle[:18]}", "youtube": f"https://www.youtube.com/@{handle}",
        "tiktok": f"https://www.tiktok.com/@{handle}",
        "website": f"https://www.example.or.th/campaigns/{issue.slug}/{handle}",
    }
    channels = []
    for code in codes:
        if code == "offline":
            channels.append({"channel": code, "url": None, "name": rnd.choice(OFFLINE_NAMES).format(district=district)})
        else:
            channels.append({"channel": code, "url": addresses[code], "name": title if rnd.random() < 0.4 else None})
    return channels


def campaign_rows(count: int, seed: int = 2564, workers: list[str] | None = None,
                  today: date | None = None) -> list[dict]:
    """`count` payloads of `schemas.CampaignRegistration`, round the provinces; dates are around
    `today` (default: the real one), so a status agrees with its dates. With `workers` (person
    ids), one to three of them work on each campaign."""
    rnd, today = random.Random(seed), today or date.today()
    provinces, statuses = _province_order(rnd), list(STATUS_WEIGHTS)
    rows = []
    for n in range(count):
        code = provinces[n % len(provinces)]
        bangkok = code == reference.BANGKOK
        issue = rnd.choice([i for i in ISSUES if not (bangkok and i.slug in RURAL)])
        province, district = reference.province(code), rnd.choice(reference.districts(code))
        place = province.name_th if bangkok else f"จังหวัด{province.name_th}"
        status = rnd.choices(statuses, list(STATUS_WEIGHTS.values()))[0]
        starts, ends = _dates(rnd, status, today)
        title = f"{issue.title} {place}" + (f" ปี {starts.year + 543}" if rnd.random() < 0.3 else "")
        handle = issue.slug + re.sub(r"[^a-z0-9]", "", province.name_en.lower())
        row = {
            "title": title, "problem": issue.problem.format(**_numbers(rnd, place=place)),
            "category": issue.category, "tags": list(issue.tags[:rnd.randint(1, len(issue.tags))]), "province": code,
            "channels": _channels(rnd, issue, handle, district.name_th if bangkok else f"อำเภอ{district.name_th}",
                                  title),
            "starts_on": starts.isoformat(), "ends_on": ends.isoformat() if ends else None, "status": status,
            "center": reference.center_for(code, district.code).code,
        }
        if rnd.random() < 0.9:
            row["goal"] = issue.goal.format(**_numbers(rnd, place=place))
        if workers:
            row["workers"] = rnd.sample(workers, min(len(workers), rnd.randint(1, 3)))
        rows.append(row)
    return rows


def _issue_of(campaign: dict) -> Issue | None:
    return next((i for i in ISSUES if campaign["title"].startswith(i.title)), None)


def result_rows(rnd: random.Random, campaign: dict, today: date | None = None) -> list[dict]:
    """A few `schemas.CampaignResult`s of an active or concluded campaign, on days between its
    start and its end (or today), reach and participants growing; none for a planned one."""
    if campaign.get("status") not in ("active", "concluded") or not campaign.get("starts_on"):
        return []
    today = today or date.today()
    starts = date.fromisoformat(campaign["starts_on"])
    ends = min(date.fromisoformat(campaign["ends_on"]) if campaign.get("ends_on") else today, today)
    span = max((ends - starts).days, 0) + 1
    days = sorted(rnd.sample(range(span), min(span, rnd.randint(1, 4 if campaign["status"] == "concluded" else 3))))
    issue, channels = _issue_of(campaign), [c["channel"] for c in campaign.get("channels") or []]
    reach = participants = 0
    results = []
    for day in days:
        reach += rnd.randint(500, 50_000)
        participants += rnd.randint(20, 2_000)
        result = {"on": (starts + timedelta(days=day)).isoformat(), "reach": reach, "participants": participants}
        if rnd.random() < 0.6:
            result["outcome_count"] = rnd.randint(1, 60)
        if issue and rnd.random() < 0.8:
            result["outcome"] = rnd.choice(issue.outcomes).format(**_numbers(rnd))
        if channels and rnd.random() < 0.5:
            result["channel"] = rnd.choice(channels)
        results.append(result)
    return results


# -- loading through the service -------------------------------------------------------------

ITEM_CHUNK, CAMPAIGN_CHUNK = 200, 500
# what becomes of the demo items: most published, a few archived after, some left in review or as drafts
STATE_WEIGHTS = {"published": 82, "archived": 3, "in_review": 10, "draft": 5}
SUBMITTED, PUBLISHED = 2, 3  # an item's version once drafted and submitted, and once published
ARCHIVE_REASON = "แทนที่ด้วยฉบับปรับปรุงแล้ว"


def item_states(count: int, seed: int) -> list[str]:
    rnd = random.Random(f"states-{seed}")
    return rnd.choices(list(STATE_WEIGHTS), list(STATE_WEIGHTS.values()), k=count)


def _bar(code: str, length: int):
    import click

    from services.chassis.messages import message

    text = message(code)
    return click.progressbar(length=length, label=f"{text['th']} / {text['en']}", file=click.get_text_stream("stderr"))


def _draft(knowledge, rows: list[dict], submit: bool, key: str, bar) -> list[str]:
    ids: list[str] = []
    for n, (_, chunk) in enumerate(chunks(rows, ITEM_CHUNK)):
        ids += knowledge.draft_batch(chunk, submit=submit, key=f"{key}-{n}")["ids"]
        bar.update(len(chunk))
    return ids


def load_items(knowledge, count: int, seed: int = 2563) -> dict[str, int]:
    """`sanphalang demo --knowledge N`: draft the rows through `knowledge.draft_batch` (submitted
    for review but for the drafts), publish most as the administrator the CLI asks as
    (`publish_batch`), archive a few. Every command's key names the run (seed, count) and its
    chunk, so running it again adds nothing twice. Returns the counts by state."""
    import time

    import click

    from .spreadsheets import both

    start, key = time.perf_counter(), f"demo-knowledge-{seed}-{count}"
    rows, states = item_rows(count, seed), item_states(count, seed)
    submitted = [(row, state) for row, state in zip(rows, states) if state != "draft"]
    drafts = [row for row, state in zip(rows, states) if state == "draft"]
    with _bar("knowledge_demo_drafting", len(rows)) as bar:
        ids = _draft(knowledge, [row for row, _ in submitted], True, f"{key}-s", bar)
        _draft(knowledge, drafts, False, f"{key}-d", bar)
    chosen = [(item, state) for item, (_, state) in zip(ids, submitted) if state in ("published", "archived")]
    archived = [item for item, state in chosen if state == "archived"]
    with _bar("knowledge_demo_publishing", len(chosen) + len(archived)) as bar:
        for n, (_, chunk) in enumerate(chunks([item for item, _ in chosen], ITEM_CHUNK)):
            knowledge.publish_batch([{"id": item, "version": SUBMITTED} for item in chunk], key=f"{key}-p{n}")
            bar.update(len(chunk))
        for n, item in enumerate(archived):
            knowledge.archive(item, PUBLISHED, reason=ARCHIVE_REASON, key=f"{key}-a{n}")
            bar.update(1)
    counts = {"count": len(rows), "published": len(chosen) - len(archived), "archived": len(archived),
              "in_review": len(ids) - len(chosen), "drafts": len(drafts)}
    click.echo(both("knowledge_demo_done", **counts, seconds=f"{time.perf_counter() - start:.1f}"))
    return counts


def load_campaigns(knowledge, count: int, seed: int = 2564, workers: list[str] | None = None) -> tuple[int, int]:
    """`sanphalang demo --campaigns M`: register the rows through `knowledge.register_campaigns`,
    then record the results of the active and concluded ones (`record_result`, one command
    each, keyed by campaign and version). Returns (campaigns, results)."""
    import time

    import click

    from .spreadsheets import both

    start, key = time.perf_counter(), f"demo-campaigns-{seed}-{count}"
    rows, ids = campaign_rows(count, seed, workers), []
    with _bar("knowledge_demo_campaigns", len(rows)) as bar:
        for n, (_, chunk) in enumerate(chunks(rows, CAMPAIGN_CHUNK)):
            ids += knowledge.register_campaigns(chunk, key=f"{key}-{n}")["ids"]
            bar.update(len(chunk))
    rnd, recorded = random.Random(seed), 0
    with _bar("knowledge_demo_results", len(ids)) as bar:
        for campaign, row in zip(ids, rows):
            for version, result in enumerate(result_rows(rnd, row), start=1):
                knowledge.record_result(campaign, result, version, key=f"demo-result-{campaign}-{version}")
                recorded += 1
            bar.update(1)
    click.echo(both("knowledge_demo_campaigns_done", count=len(ids), results=recorded,
                    seconds=f"{time.perf_counter() - start:.1f}"))
    return len(ids), recorded


def load_knowledge(knowledge, items: int | None, campaigns: int | None, seed: int | None = None,
                   workers: list[str] | None = None) -> None:
    """Both demos, each only when asked for (the seed, when given, for both)."""
    if items:
        load_items(knowledge, items, 2563 if seed is None else seed)
    if campaigns:
        load_campaigns(knowledge, campaigns, 2564 if seed is None else seed, workers)
