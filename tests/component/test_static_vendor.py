"""The gateway serves the front-end files the dashboards and the printed report use: the
vendored ECharts bundle and Sarabun font (made by deploy/local/ensure-static.sh at set-up),
the print CSS and the province shapes, all from this machine."""
from __future__ import annotations

import re


def test_the_echarts_bundle_is_served_and_sets_window_echarts(client):
    answer = client.get("/static/web/vendor/echarts.min.js")
    assert answer.status_code == 200 and answer.mimetype == "text/javascript"
    body = answer.get_data()
    assert b"window.echarts=" in body
    assert 100_000 < len(body) < 1_500_000  # a custom bundle, minified: not the full build


def test_the_sarabun_css_and_every_font_it_names_are_served(client):
    css = client.get("/static/web/vendor/sarabun.css")
    assert css.status_code == 200
    text = css.get_data(as_text=True)
    fonts = re.findall(r"url\(([^)]+)\)", text)
    assert len(fonts) == 4 and all(f.startswith("fonts/") and f.endswith(".woff2") for f in fonts)
    assert sorted(re.findall(r"font-weight: (\d+);", text)) == ["400", "400", "700", "700"]
    for font in fonts:
        answer = client.get(f"/static/web/vendor/{font}")
        assert answer.status_code == 200 and answer.mimetype == "font/woff2"
        assert answer.get_data()[:4] == b"wOF2"


def test_the_print_css_imports_the_font_from_beside_it(client):
    answer = client.get("/static/web/report-print.css")
    assert answer.status_code == 200
    imported = re.search(r'@import url\("([^"]+)"\)', answer.get_data(as_text=True)).group(1)
    assert client.get(f"/static/web/{imported}").status_code == 200
    assert "size: A4" in answer.get_data(as_text=True)


def test_the_province_shapes_are_served(client):
    answer = client.get("/static/web/geo/th-provinces.geojson")
    assert answer.status_code == 200
    assert len(answer.get_json(force=True)["features"]) == 77
