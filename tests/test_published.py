"""The example library as published passes outside checkers: the Nu HTML Checker and linkchecker."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess

from published import VNU_JAR, checker, html_pages, program, serving

# linkchecker waits between requests to one host; the test server lifts that (see published.py).
LINKCHECKER_CONFIG = "[checking]\nmaxrequestspersecond=1000\n"


# A page with known faults, checked alongside the site to show each checker does see faults.
PROBE = "insole-probe.html"
PROBE_HTML = (
    '<!DOCTYPE html><html lang="en"><title>probe</title>'
    '<p id="twice"><a href="no-such-page/">x</a></p><p id="twice"></p>'
)


def test_every_page_passes_the_nu_html_checker(published, tmp_path):
    jar = checker(VNU_JAR)
    pages = html_pages(published)
    assert len(pages) > 50
    probe = tmp_path / PROBE
    probe.write_text(PROBE_HTML, encoding="utf-8")
    # The checker's schema code recurses deeply; a small default thread stack overflows.
    java = program("java")
    command = [java, "-Xss8m", "-jar", str(jar), "--errors-only", "--format", "json", "--skip-non-html"]
    ran = subprocess.run(
        [*command, *pages, str(probe)], cwd=published, capture_output=True, text=True, timeout=300
    )
    assert "StackOverflowError" not in ran.stderr
    found = json.loads(ran.stderr)["messages"]
    errors = [f"{m.get('url', '')}:{m.get('lastLine', '?')}: {m['message']}" for m in found]
    assert any(PROBE in e and "Duplicate ID" in e for e in errors), errors
    site_errors = [e for e in errors if PROBE not in e]
    assert site_errors == [], "\n".join(site_errors)


def test_linkchecker_finds_no_broken_link(published, tmp_path):
    linkchecker = shutil.which("linkchecker")
    assert linkchecker, "linkchecker is one of the test extras: pip install -e '.[test]'"
    site = tmp_path / "site"
    shutil.copytree(published, site)
    (site / PROBE).write_text(PROBE_HTML, encoding="utf-8")
    config = tmp_path / "linkcheckerrc"
    config.write_text(LINKCHECKER_CONFIG, encoding="utf-8")
    with serving(site) as url:
        command = [linkchecker, "-f", str(config), "--no-status", "--no-robots", "-o", "csv"]
        starts = [url, url + "404.html", url + PROBE]
        ran = subprocess.run([*command, *starts], capture_output=True, text=True, timeout=300)
    lines = [line for line in ran.stdout.splitlines() if line and not line.startswith("#")]
    rows = list(csv.DictReader(lines, delimiter=";"))
    assert rows, ran.stdout + ran.stderr
    broken = [
        f"{row['parentname']} links to {row['urlname']}: {row['result']}"
        for row in rows
        if row["valid"] != "True"
    ]
    assert any(PROBE in line and "no-such-page/" in line for line in broken), broken
    assert [line for line in broken if PROBE not in line] == []
