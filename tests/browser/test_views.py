"""What a person sees: screenshots, the site without JavaScript, small screens, keyboard focus, search.

* screenshots (full page) of the dashboard and an innovation at 360x800 and 1280x800, written to
  ``test-artifacts/`` (git-ignored), e.g. ``dashboard-360.png``; the pages load without a failed request;
* with JavaScript off, the dashboard's main menu leads to the innovations list, the list to an innovation,
  and the menu from there to the news and a news item: every step by links alone;
* at 360 px no page kind scrolls sideways (``scrollWidth <= 360``);
* after Tab the first link (the skip link) shows a focus indicator and comes into view, and so do the
  next few tab stops;
* on ``/cari/`` (Pagefind UI) typing "rakoor" lists the Rakoor news item, and the focused search box
  shows a focus indicator (skipped while ``/cari/`` is not built).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

RAKOOR = "/berita/2023/rakoor-persiapan-evaluasi-smart-city-tahap-i/"
NARROW, WIDE = 360, 1280


def new_page(browser, width, height=800, **options):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="id-ID", **options)
    return context, context.new_page()


def first_of_kind(page_kinds, kind):
    if kind not in page_kinds:
        pytest.fail(f"no page of kind {kind!r} in the output; kinds: {sorted(page_kinds)}")
    return page_kinds[kind]


# --- screenshots ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("width", [NARROW, WIDE])
@pytest.mark.parametrize("name, kind", [("dashboard", "home"), ("innovation", "inovasi/<id>")])
def test_screenshot(browser, base_url, page_kinds, artifacts, name, kind, width):
    context, page = new_page(browser, width)
    failed = []
    page.on("requestfailed", lambda r: failed.append(f"{r.url}: {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.url}: HTTP {r.status}"))
    try:
        page.goto(base_url + first_of_kind(page_kinds, kind).path, wait_until="networkidle")
        shot = artifacts / f"{name}-{width}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 5_000
        assert not failed, "requests that failed:\n" + "\n".join(failed)
        # the stylesheet applied (the body's default 8px margin is gone)
        assert page.eval_on_selector("body", "b => getComputedStyle(b).marginTop") == "0px", "no stylesheet"
    finally:
        context.close()


# --- without JavaScript ---------------------------------------------------------------------------------

def follow(page, link, base_url):
    href = link.get_attribute("href")
    with page.expect_navigation() as nav:
        link.click()
    response = nav.value
    assert response is not None and response.ok, f"{href}: HTTP {response.status if response else '-'}"
    assert page.locator("h1").first.inner_text().strip(), f"{page.url} has no heading"
    return href


def test_no_javascript_dashboard_to_innovation_to_news(browser, base_url):
    context, page = new_page(browser, WIDE, java_script_enabled=False)
    try:
        path = urlsplit(base_url).path  # the site's base path, "/" here
        page.goto(base_url)
        menu = page.locator("header nav")
        follow(page, menu.locator(f"a[href='{path}inovasi/']"), base_url)
        assert page.url == base_url + "inovasi/"

        innovation = re.compile(re.escape(path) + r"inovasi/[a-z0-9-]+/$")
        links = [a for a in page.locator("main a").all() if innovation.search(a.get_attribute("href") or "")]
        assert links, "the innovations list links to no innovation"
        href = follow(page, links[0], base_url)
        assert page.url.endswith(href)

        follow(page, page.locator("header nav").locator(f"a[href='{path}berita/']"), base_url)
        news_item = re.compile(re.escape(path) + r"berita/\d{4}/[^/]+/$")
        items = [a for a in page.locator("main a").all() if news_item.search(a.get_attribute("href") or "")]
        assert items, "the news list links to no news item"
        href = follow(page, items[0], base_url)
        assert page.url.endswith(href)
    finally:
        context.close()


# --- small screens ----------------------------------------------------------------------------------------

WIDEST_ELEMENTS = """limit => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > limit + 0.5)
  .filter(e => !e.parentElement || e.parentElement.getBoundingClientRect().right <= limit + 0.5)
  .slice(0, 8)
  .map(e => `<${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className && typeof e.className === 'string'
     ? '.' + e.className.trim().split(/\\s+/).join('.') : ''}> right edge ${Math.round(e.getBoundingClientRect().right)}px`)"""


def test_no_horizontal_scroll_at_360(page_kind, page_kinds, narrow_page, base_url):
    target = page_kinds[page_kind]
    narrow_page.goto(base_url + target.path, wait_until="load")
    width = narrow_page.evaluate("document.documentElement.scrollWidth")
    culprits = [] if width <= NARROW else narrow_page.evaluate(WIDEST_ELEMENTS, NARROW)
    assert width <= NARROW, (f"{page_kind} (/{target.path}) is {width}px wide at {NARROW}px; "
                             "outermost elements past the edge:\n  " + "\n  ".join(culprits))


# --- keyboard focus ---------------------------------------------------------------------------------------

FOCUS_STATE = """() => {
  const e = document.activeElement, s = getComputedStyle(e), r = e.getBoundingClientRect();
  return {tag: e.tagName.toLowerCase(), cls: e.className, text: e.textContent.trim().slice(0, 40),
          href: e.getAttribute('href'), outline: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth),
          shadow: s.boxShadow, top: r.top, bottom: r.bottom, left: r.left, right: r.right,
          vw: innerWidth, vh: innerHeight};
}"""


def indicator(state) -> bool:
    outline = state["outline"] not in ("none", "") and state["outlineWidth"] > 0
    return outline or state["shadow"] not in ("none", "")


def in_view(state) -> bool:
    return (state["bottom"] > 0 and state["top"] < state["vh"] and state["right"] > 0 and state["left"] < state["vw"]
            and state["bottom"] - state["top"] > 1)


@pytest.mark.parametrize("width", [NARROW, WIDE])
def test_focus_is_visible_and_the_skip_link_appears(browser, base_url, width):
    context, page = new_page(browser, width)
    try:
        page.goto(base_url, wait_until="load")
        box = page.locator("body a").first.bounding_box()  # the first link, before it has focus
        page.keyboard.press("Tab")
        first = page.evaluate(FOCUS_STATE)
        assert first["tag"] == "a" and (first["href"] or "").startswith("#"), \
            f"the first tab stop should be the skip link, not {first}"
        assert box is None or box["y"] + box["height"] <= 0 or box["x"] + box["width"] <= 0, \
            f"the skip link is on screen before it has focus: {box}"
        assert indicator(first), f"the skip link shows no focus indicator when focused: {first}"
        assert in_view(first), f"the focused skip link is not in view: {first}"
        target = page.locator(first["href"])
        assert target.count() == 1, f"the skip link's target {first['href']} does not exist"

        for _ in range(3):  # the next tab stops: the portal's name and the main menu
            page.keyboard.press("Tab")
            state = page.evaluate(FOCUS_STATE)
            assert indicator(state), f"no focus indicator on {state}"
            assert in_view(state), f"the focused element is not in view: {state}"

        for _ in range(3):
            page.keyboard.press("Shift+Tab")
        assert page.evaluate(FOCUS_STATE)["href"] == first["href"], "Shift+Tab does not return to the skip link"
        page.keyboard.press("Enter")  # follow the skip link: focus moves to the main content
        assert page.evaluate("document.activeElement.id") == first["href"][1:]
    finally:
        context.close()


# --- search --------------------------------------------------------------------------------------------

def test_search_finds_rakoor(browser, base_url, site_output):
    assert (site_output / "cari" / "index.html").is_file(), "the search page /cari/ is missing"
    context, page = new_page(browser, WIDE)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(base_url + "cari/", wait_until="networkidle")
        box = page.locator("main input[type='search'], main input[type='text'], main [role='searchbox']").first
        box.wait_for(state="visible", timeout=10_000)
        box.fill("")
        box.press_sequentially("rakoor", delay=50)
        result = page.locator(f"main a[href$='{RAKOOR}'], main a[href$='{RAKOOR}index.html']").first
        try:
            result.wait_for(state="visible", timeout=15_000)
        except Exception:
            shown = [a.get_attribute("href") for a in page.locator("main a").all()]
            pytest.fail(f"no result links to {RAKOOR}; links in main: {shown}; page errors: {errors}")
        state = page.evaluate(FOCUS_STATE)  # the search box still has focus: it shows it
        assert state["tag"] == "input" and indicator(state), f"the focused search box shows no focus indicator: {state}"
        assert not errors, f"script errors on /cari/: {errors}"
    finally:
        context.close()
