"""The same synthetic library as a minimal Hugo site, for comparing build times.

Stories keep their Markdown body; needs, processes and co-creation opportunities become
Hugo taxonomies with one page per term, and stories are published at /stories/<slug>/.
A story's page lists its declared related stories and, unless turned off with
`write_layouts(root, related=False)`, the five Hugo finds most related by shared terms.
"""

from __future__ import annotations

import json
from pathlib import Path

from synth import Library, Story, Term

CONFIG = """\
baseURL = "/"
title = "Synthetic customer stories"
disableKinds = ["RSS"]
enableRobotsTXT = false

[taxonomies]
need = "needs"
process = "processes"
opportunity = "opportunities"

[permalinks.page]
stories = "/stories/:slug/"

[related]
includeNewer = true
threshold = 1
toLower = false

[[related.indices]]
name = "needs"
weight = 3

[[related.indices]]
name = "opportunities"
weight = 2

[[related.indices]]
name = "processes"
weight = 1
"""

LAYOUTS = {
    "baseof.html": """\
<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ .Title }} – {{ site.Title }}</title></head>
<body>
<nav><a href="/">Home</a> <a href="/stories/">Stories</a> <a href="/needs/">Needs</a>
<a href="/processes/">Processes</a> <a href="/opportunities/">Co-creation</a></nav>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
""",
    "home.html": """\
{{ define "main" }}
<h1>{{ site.Title }}</h1>
<p>{{ len site.RegularPages }} stories.</p>
<ul>{{ range first 8 site.RegularPages.ByDate.Reverse }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}</li>{{ end }}
</ul>
{{ end }}
""",
    "list.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>{{ range .RegularPagesRecursive.ByDate.Reverse }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}
{{ .Params.customer }}</li>{{ end }}
</ul>
{{ end }}
""",
    "taxonomy.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}
</ul>
{{ end }}
""",
    "term.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>{{ range .Pages.ByDate.Reverse }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}</li>{{ end }}
</ul>
{{ end }}
""",
    "single.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<dl><dt>Customer</dt><dd>{{ .Params.customer }}</dd><dt>Source</dt><dd>{{ .Params.source }}</dd>
<dt>Date</dt><dd>{{ .Date.Format "2006-01-02" }}</dd></dl>
{{ range $taxonomy := slice "needs" "processes" "opportunities" }}
<ul>{{ range $.GetTerms $taxonomy }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
{{ end }}
{{ .Content }}
<h2>Related</h2>
<ul>{{ range .Params.related_pages }}{{ with site.GetPage . }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}{{ end }}
COMPUTED</ul>
{{ end }}
""",
}


COMPUTED = """{{ range first 5 (site.RegularPages.Related .) }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
"""


def front_matter(item: Story, paths: dict[str, str]) -> str:
    """Hugo front matter (JSON, which Hugo accepts) for a story."""
    data = {
        "title": item.title,
        "date": item.date.isoformat(),
        "slug": item.slug,
        "needs": list(item.needs),
        "processes": list(item.processes),
        "opportunities": [entry.opportunity for entry in item.co_creation],
        "co_creation": [vars(entry) for entry in item.co_creation],
        "related_pages": [paths[slug] for slug in item.related],
        "customer": item.customer,
        "source": item.source,
        "author": item.author,
    }
    if item.summary:
        data["summary"] = item.summary
    return json.dumps(data, ensure_ascii=False, indent=2)


def term_page(term: Term) -> str:
    """A taxonomy term's _index.md: its title and Markdown description."""
    return json.dumps({"title": term.title}, ensure_ascii=False) + "\n\n" + term.description + "\n"


def write_layouts(root: Path, related: bool) -> None:
    """Write the templates; `related` adds the five stories Hugo finds most related to each story."""
    layouts = root / "layouts"
    layouts.mkdir(parents=True, exist_ok=True)
    for name, text in LAYOUTS.items():
        (layouts / name).write_text(text.replace("COMPUTED", COMPUTED if related else ""), encoding="utf-8")


def write_hugo_site(library: Library, root: Path) -> None:
    """Write the library as a Hugo site into `root`, with computed related stories."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "hugo.toml").write_text(CONFIG, encoding="utf-8")
    write_layouts(root, related=True)
    for section, terms in (
        ("needs", library.needs),
        ("processes", library.processes),
        ("opportunities", library.co_creation),
    ):
        for term in terms:
            folder = root / "content" / section / term.slug
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "_index.md").write_text(term_page(term), encoding="utf-8")
    paths = {item.slug: f"/stories/{item.path}" for item in library.stories}
    for item in library.stories:
        path = root / "content" / "stories" / item.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(front_matter(item, paths) + "\n\n" + item.body, encoding="utf-8")
