"""The web pages in a real browser: Debian's Chromium driven by Playwright, against `newswatch serve`.

Screenshots land in ./test-artifacts (or $NEWSWATCH_ARTIFACTS). Without a
Chromium these tests are skipped, unless NEWSWATCH_REQUIRE_BROWSER=1 (CI sets
it, after installing one), when its absence is a failure.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

from .conftest import HOSTILE, INGEST_TOKEN, ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(os.environ.get("NEWSWATCH_ARTIFACTS", ROOT / "test-artifacts"))
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-quic"]

if CHROMIUM is None:
    if os.environ.get("NEWSWATCH_REQUIRE_BROWSER") == "1":
        raise RuntimeError("NEWSWATCH_REQUIRE_BROWSER=1 but no chromium is installed (apt-get install chromium)")
    pytest.skip("no Chromium on this machine (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server, request):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server.url)
    pg = context.new_page()
    errors = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on("dialog", lambda dialog: errors.append(f"dialog: {dialog.message}"))
    yield pg
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert errors == [], f"script errors or dialogs on the page: {errors}"


def test_home_story_timeline(page):
    page.goto("/")
    stories = page.locator("li.story-card")
    assert stories.count() >= 5
    first = stories.filter(has_text=re.compile(r"\bcable\b", re.I)).first
    assert re.search(r"\d+ articles · \d+ sources", first.inner_text())
    assert first.locator("svg.spark").count() == 1
    first.locator("h2 a").click()
    page.wait_for_url(re.compile(r"/stories/\d+$"))
    timeline = page.locator("ol.timeline > li")
    assert timeline.count() >= 2
    assert page.locator("figure.chart svg rect").count() > 0
    # Syndicated copies are folded into their first report.
    assert page.locator(".copies").first.inner_text().startswith("and 1 cop")
    page.locator("ol.timeline > li h3 a").first.click()
    page.wait_for_url(re.compile(r"/events/\d+$"))
    assert page.locator(".article-text a.ent").count() > 0


def test_search_person_then_entity_page(page):
    page.goto("/")
    page.fill("#quick-q", "Lindqvist")
    page.press("#quick-q", "Enter")
    page.wait_for_url(re.compile(r"/search\?q=Lindqvist"))
    results = page.locator("ol.results > li")
    assert results.count() > 0
    # Every spelling of the investigator is found and marked ("Lindquist" is a misspelling in the corpus).
    marks = {m.strip() for m in page.locator("ol.results mark").all_inner_texts()}
    assert marks and all(re.search(r"Lindq(v|u)ist", m) for m in marks)
    assert any("Lindquist" in m for m in marks)
    results.first.locator("h2 a").click()
    page.wait_for_url(re.compile(r"/articles/\d+$"))
    # The top result may spell him either way; both spellings link to the one person.
    page.locator("a.ent.t-PERSON", has_text=re.compile(r"Lindq(v|u)ist")).first.click()
    page.wait_for_url(re.compile(r"/entities/\d+$"))
    assert page.locator("h1").inner_text().startswith("Mikael Lindqvist")
    variants = page.locator(".variants-table").inner_text()
    assert "Lindquist" in variants  # the misspelling is merged, and shown as a variant
    assert page.locator("ul.quotes li").count() > 0


def test_compare_two_articles(page):
    page.goto("/compare")
    page.fill("input[name=a]", "demo-cable-01")
    page.fill("input[name=b]", "demo-cable-07")
    page.click("form.filters button")
    page.wait_for_url(re.compile(r"/compare\?a="))
    assert "Same story" in page.locator(".flags").inner_text()
    assert page.locator("table.breakdown meter").count() >= 4
    assert page.locator(".side-by-side article").count() == 2
    assert "Mikael Lindqvist" in page.locator(".verdict").inner_text()


def test_article_markup_is_inert(page, server):
    article_id = server.http.get(f"/api/articles/{HOSTILE['id']}").json()["id"]
    page.goto(f"/articles/{article_id}")
    assert page.evaluate("window.__pwned") is None
    # The markup is shown as the text it is ...
    assert "<script>" in page.locator("h1").inner_text()
    assert 'onerror="window.__pwned=3"' in page.locator(".article-text").inner_text()
    # ... and none of it became an element or a link.
    assert page.locator("main script, main img, main b").count() == 0
    assert page.locator("a[href^='javascript' i]").count() == 0
    assert page.locator("main [onclick], main [onerror], main [onmouseover]").count() == 0
    page.locator("details.raw summary").click()
    assert "<script>" in page.locator("details.raw pre").inner_text()
    # Reflected in search, and in listings, it stays text too.
    page.goto("/search?q=" + "%3Cscript%3Ewindow.__pwned%3D9%3C%2Fscript%3E+pilots")
    assert page.evaluate("window.__pwned") is None
    assert page.locator("main script").count() == 0
    page.goto("/")
    assert page.evaluate("window.__pwned") is None


def test_keyboard_and_phone(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=server.url, is_mobile=True)
    pg = context.new_page()
    try:
        pg.goto("/")
        pg.keyboard.press("Tab")
        assert pg.evaluate("document.activeElement.textContent") == "Skip to content"
        pg.keyboard.press("Enter")
        for _ in range(20):  # Tab reaches the first story without a mouse
            pg.keyboard.press("Tab")
            if pg.evaluate("document.activeElement.closest('.story-card') !== null"):
                break
        else:
            raise AssertionError("the stories cannot be reached with the keyboard")
        pg.keyboard.press("Enter")
        pg.wait_for_url(re.compile(r"/stories/\d+$"))
        for path in ("/", pg.url, "/articles/demo-cable-01", "/search?q=cable"):
            pg.goto(path)
            overflow = pg.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{path} scrolls sideways on a phone by {overflow}px"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        pg.screenshot(path=str(ARTIFACTS / "phone-search.png"), full_page=True)
    finally:
        context.close()


def test_upload_form_shows_progress_and_errors(page):
    page.goto("/upload")
    page.fill("input[name=title]", "Lighthouse keeper retires after 40 years")
    page.fill("textarea[name=text]", "The last keeper of the Bengtskär lighthouse, Olavi Niemi, retired on Friday "
                                     "after four decades on the island, the Finnish Maritime Agency said.")
    page.fill("textarea[name=url]", "not-a-url")
    page.fill("input[name=token]", INGEST_TOKEN)
    page.click("form.upload button")
    assert "not an http(s) URL" in page.locator(".problem").inner_text()
    assert "Bengtskär" in page.input_value("textarea[name=text]")  # nothing typed is lost
    page.fill("textarea[name=url]", "")
    page.fill("input[name=token]", INGEST_TOKEN)
    page.click("form.upload button")
    page.wait_for_url(re.compile(r"/upload/jobs/[0-9a-f]{12}$"))
    page.wait_for_selector(".status-done", timeout=240_000)
    assert "1 new article" in page.locator(".status").inner_text()
    page.locator("ul.rows a").first.click()
    assert page.locator("h1").inner_text() == "Lighthouse keeper retires after 40 years"


def test_upload_refuses_wrong_token(page):
    page.goto("/upload")
    page.fill("textarea[name=text]", "Anything at all.")
    page.fill("input[name=token]", "not-the-token")
    page.click("form.upload button")
    assert "wrong or missing ingest token" in page.locator(".problem").inner_text()


def test_alerts_page_from_the_menu_with_its_feed_and_filter(page):
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Alerts").click()
    page.wait_for_url(re.compile(r"/alerts$"))
    assert page.locator("h1").inner_text() == "Alerts"
    assert page.locator('link[rel="alternate"][type="application/atom+xml"]').get_attribute("href") == "/alerts.atom"
    assert "No watched sources" in page.locator("main").inner_text()
    page.select_option("select[name=kind]", "breaking")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"/alerts\?kind=breaking"))
    assert page.locator("select[name=kind]").input_value() == "breaking"


def test_an_entity_is_corrected_from_its_page_with_the_token(browser, demo_db, tmp_path):
    import shutil

    from .conftest import Server

    copy = tmp_path / "correct.db"
    shutil.copy(demo_db, copy)
    srv = Server(copy, INGEST_TOKEN)
    context = browser.new_context(base_url=srv.url)
    try:
        pg = context.new_page()
        pg.goto("/entities/Lindquist")
        pg.wait_for_url(re.compile(r"/entities/\d+$"))
        original = pg.url
        pg.locator("details.correct summary").click()
        pg.select_option("select[name=action]", "split")
        pg.fill("input[name=value]", "Lindquist")
        pg.fill("input[name=token]", "wrong")
        pg.get_by_role("button", name="Correct").click()
        assert "wrong or missing ingest token" in pg.locator("[role=alert]").inner_text()
        # What was chosen and typed is still there; only the token is asked again.
        assert pg.locator("select[name=action]").input_value() == "split"
        assert pg.locator("input[name=value]").input_value() == "Lindquist"
        pg.fill("input[name=token]", INGEST_TOKEN)
        pg.get_by_role("button", name="Correct").click()
        pg.wait_for_url(re.compile(r"/entities/\d+$"))
        assert pg.url != original and pg.locator("h1").inner_text().startswith("Lindquist")
        pg.goto(original)
        spellings = pg.locator("table.variants-table tr td:first-child").all_inner_texts()
        assert "Lindquist" not in spellings and "Mikael Lindqvist" in spellings
    finally:
        context.close()
        srv.stop()
