"""The cache policy for static hosts: ``_headers`` (Netlify, Cloudflare Pages).

Files whose names carry a hash of their content (CSS, JS, processed images,
share images) never change under that name, so browsers and CDNs may keep
them for a year. Everything else (pages, feeds, data files, evidence
documents) keeps its name and must be revalidated, so nobody sees an old
page with new styles or the reverse. The rules never overlap: hosts differ
in how they merge two rules that match one path.
"""

from __future__ import annotations

import re

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, max-age=0, must-revalidate"
_HASHED = re.compile(r"\.[0-9a-f]{8}(\.\d+)?\.[a-z0-9]+$")


def headers_file(files: set[str]) -> str:
    """``_headers`` for a site made of ``files`` (paths relative to the site root)."""
    folders: dict[str, bool] = {}  # top-level folder -> every file in it is fingerprinted
    root_files = []
    for rel in sorted(files):
        if "/" not in rel:
            root_files.append(rel)
            continue
        top = rel.split("/", 1)[0]
        folders[top] = folders.get(top, True) and bool(_HASHED.search(rel))
    lines = ["# Made by smartsite: fingerprinted files are kept for a year, everything else is revalidated."]
    for top, hashed in sorted(folders.items()):
        lines += [f"/{top}/*", f"  Cache-Control: {IMMUTABLE if hashed else REVALIDATE}"]
    lines += ["/", f"  Cache-Control: {REVALIDATE}"]
    for rel in root_files:
        if rel != "_headers":
            lines += [f"/{rel}", f"  Cache-Control: {REVALIDATE}"]
    return "\n".join(lines) + "\n"
