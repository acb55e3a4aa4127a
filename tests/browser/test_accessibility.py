"""axe-core on one page of every page kind: no WCAG 2.0/2.1 A or AA violation.

The kinds are read off the built output (see ``site_pages``): the dashboard, the innovations list and an
innovation, a dimension, a term, the news list, its second page and a news item, the topics and a topic,
each content page, ``/data/``, ``404.html``, and whatever else the build writes (``/cari/``, ``/evaluasi/``,
the English pages under ``/en/``...). A failure names the kind and lists, for every violation, its rule id,
impact, the offending elements' selectors and the rule's help page.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

pytestmark = pytest.mark.browser

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v.get('help')}\n  {v.get('helpUrl')}")
        for node in v.get("nodes", []):
            target = " ".join(str(t) for t in node.get("target", []))
            html = " ".join(node.get("html", "").split())
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    * {target}\n      {html[:200]}\n      {summary[:300]}")
    return "\n".join(lines)


def test_no_axe_violations(page_kind, page_kinds, base_url, page, axe):
    target = page_kinds[page_kind]
    url = base_url + target.path
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, f"{url}: HTTP {response.status if response else '-'}"
    page.wait_for_load_state("networkidle")  # let scripts (search, charts) draw what they draw
    results = axe.run(page, options=AXE_OPTIONS)
    violations = results.response["violations"]
    assert not violations, (f"{page_kind} ({url.removeprefix(base_url.rstrip('/'))}): "
                            f"{len(violations)} axe violation(s):\n{describe(violations)}")
