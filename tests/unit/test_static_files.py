"""The gateway's static files that come from elsewhere: the province shapes (Natural Earth's,
kept once, here), the npm packages vendored at set-up (pinned, never committed), and no page
that loads anything from outside the machine."""
from __future__ import annotations

import json
import re
from pathlib import Path

from services import reference

ROOT = Path(__file__).resolve().parents[2]
STATIC = ROOT / "gateway" / "web" / "static"
NPM = ROOT / "deploy" / "static"


def test_the_maps_provinces_are_the_reference_datas_provinces():
    served = (STATIC / "geo" / "th-provinces.geojson").read_bytes()
    codes = [f["properties"]["code"] for f in json.loads(served)["features"]]
    assert sorted(codes) == sorted(p.code for p in reference.provinces())
    assert "Natural Earth" in (STATIC / "geo" / "README.md").read_text("utf-8")


def test_npm_packages_are_pinned_exactly_and_come_from_the_registry():
    wanted = json.loads((NPM / "package.json").read_text())["dependencies"]
    assert wanted.keys() == {"echarts", "esbuild", "@fontsource/sarabun"}
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", version) for version in wanted.values()), wanted
    lock = json.loads((NPM / "package-lock.json").read_text())["packages"]
    for name, version in wanted.items():
        assert lock[f"node_modules/{name}"]["version"] == version
    for path, entry in lock.items():
        if path:  # npm ci fetches each from the registry set up and checks it by its hash
            assert entry["integrity"].startswith("sha512-"), path
            assert entry.get("resolved", "https://registry.npmjs.org/").startswith("https://registry.npmjs.org/"), path


def test_the_vendored_files_are_never_committed():
    ignored = (ROOT / ".gitignore").read_text().splitlines()
    assert "gateway/web/static/vendor/" in ignored
    assert "build/" in ignored  # the npm cache directory of ensure-static.sh


# a resource a page loads (not a link a person follows): src=, <link href=, CSS url() and
# @import, fetch(), pointing at another host
_LOADS_FROM_OUTSIDE = re.compile(
    r"""(?:\bsrc\s*=\s*["']?|<link\b[^>]*\bhref\s*=\s*["']?|url\(\s*["']?|@import\s+["']|fetch\(\s*["'])"""
    r"""(?:https?:)?//""", re.IGNORECASE)


def test_no_page_loads_anything_from_outside_the_machine():
    own = [p for p in (ROOT / "gateway").rglob("*") if p.suffix in {".html", ".css", ".js"}
           and "vendor" not in p.parts]
    assert len(own) > 10
    found = [f"{p.relative_to(ROOT)}: {m.group(0)}" for p in own
             for m in _LOADS_FROM_OUTSIDE.finditer(p.read_text("utf-8"))]
    assert found == []
