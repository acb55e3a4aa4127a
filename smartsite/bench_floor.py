"""The floor: the least a Python generator must do with the benchmark's corpus.

``python -m smartsite.bench_floor SITE OUTPUT`` reads every news and
innovation file of a smartsite-format site, parses its YAML with PyYAML's C
loader, converts the Markdown with Python-Markdown (the extensions smartsite
uses, so the two convert the same dialect), renders each item with one small
Jinja template and writes it to its own folder, in two processes. Nothing is
validated, linked, listed or checked. :mod:`smartsite.bench` times it in the
same rounds as the real builds, so ``smartsite / floor`` is a paired ratio
that says what the rest of smartsite costs on this machine, today.

It imports nothing from smartsite: it is the yardstick, not the thing measured.
"""

from __future__ import annotations

import multiprocessing
import os
import sys

import jinja2
import markdown
import yaml

WORKERS = 2
TEMPLATE = """<!doctype html>
<html lang="id">
<head><meta charset="utf-8"><title>{{ title }}</title></head>
<body>
<h1>{{ title }}</h1>
{% if date %}<p><time>{{ date }}</time></p>{% endif %}
{% if tags %}<ul>{% for t in tags %}<li>{{ t }}</li>{% endfor %}</ul>{% endif %}
{{ body }}
</body>
</html>
"""

_state: dict = {}


def _files(site: str) -> list[str]:
    found = []
    for folder in ("news", "innovations"):
        for root, dirs, names in os.walk(os.path.join(site, "content", folder)):
            dirs.sort()
            found.extend(os.path.join(root, n) for n in sorted(names) if n.endswith((".md", ".yaml")))
    return found


def _start() -> None:
    _state["md"] = markdown.Markdown(extensions=["extra", "sane_lists"], output_format="html")
    env = jinja2.Environment(autoescape=True)
    _state["template"] = env.from_string(TEMPLATE)


def _one(job: tuple[str, str, str]) -> int:
    path, site, output = job
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if path.endswith(".md"):
        _, front, body = text.split("---\n", 2)
        data = yaml.load(front, Loader=yaml.CSafeLoader) or {}
    else:
        data = yaml.load(text, Loader=yaml.CSafeLoader) or {}
        body = str(data.get("summary") or "")
    html = _state["md"].reset().convert(body)
    page = _state["template"].render(title=data.get("title") or data.get("name"), date=data.get("date"),
                                     tags=data.get("tags") or (), body=jinja2.utils.markupsafe.Markup(html))
    rel = os.path.splitext(os.path.relpath(path, os.path.join(site, "content")))[0]
    folder = os.path.join(output, rel)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "index.html"), "w", encoding="utf-8") as f:
        f.write(page)
    return 1


def main(argv: list[str] | None = None) -> int:
    site, output = (argv if argv is not None else sys.argv[1:])[:2]
    jobs = [(path, site, output) for path in _files(site)]
    with multiprocessing.get_context("fork").Pool(WORKERS, initializer=_start) as pool:
        written = sum(pool.imap_unordered(_one, jobs, chunksize=64))
    print(f"floor: {written} pages written into {output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
