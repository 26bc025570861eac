"""One journey in a real headless browser: start the app, ask, see a cited answer.

The browser is Debian's chromium driven by Playwright. When it is missing this
test fails rather than skips: the test command installs it, so a missing
browser is a broken set-up, not a reason to stop checking the app.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from index import PROJECT_ROOT
from index.build import build_index
from tests.conftest import write_transcript
from tests.fixtures.documents import make_pdf

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_app(**env: str) -> Iterator[str]:
    """The app served on a free local port with these environment variables; yields its URL."""
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(PROJECT_ROOT / "app.py"),
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=PROJECT_ROOT,
        env=dict(os.environ, **env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the Streamlit server did not start within 60 s")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture(scope="module")
def app_url(bundled_index):
    with running_app(VERBATIM_INDEX=str(bundled_index)) as url:
        yield url


@pytest.fixture
def page():
    assert CHROMIUM.exists(), "Debian's chromium is missing: run the README's test command, which installs it"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield browser.new_page()
        browser.close()


def ask_in_browser(page, url: str, question: str) -> None:
    """Open a page of the app, type the question into its Question box and send it."""
    page.goto(url)
    box = page.get_by_role("textbox", name="Question")
    box.wait_for(timeout=90_000)
    box.fill(question)
    box.press("Enter")


def test_ask_in_a_real_browser_shows_a_cited_answer(app_url, page):
    ask_in_browser(page, app_url, "When will the Intervision song contest take place?")
    page.get_by_text("Passages", exact=True).wait_for(timeout=60_000)
    answer_text = page.locator(".answer-sentence").first.inner_text()
    assert "Intervision" in answer_text
    assert "Duma Government Hour, 19 Feb 2025" in answer_text
    assert page.locator("mark").count() >= 1


def test_a_second_question_typed_in_the_same_box_is_answered_and_back_brings_it_again(app_url, page):
    ask_in_browser(page, app_url, "When will the Intervision song contest take place?")
    page.locator(".answer-sentence").filter(has_text="Intervision").first.wait_for(timeout=60_000)
    box = page.get_by_role("textbox", name="Question")
    box.fill("How many Russian citizens live in Transnistria?")
    box.press("Enter")
    page.locator(".answer-sentence").filter(has_text="200,000").first.wait_for(timeout=60_000)
    page.locator(".answer-sentence a.citation").first.click()
    page.wait_for_url("**/cite?passage=*", timeout=30_000)
    page.go_back()
    page.locator(".answer-sentence").filter(has_text="200,000").first.wait_for(timeout=60_000)
    from playwright.sync_api import expect

    # The box may be redrawn after the answer appears: wait for its value rather than read it at once.
    expect(box).to_have_value("How many Russian citizens live in Transnistria?", timeout=30_000)


def test_the_ask_page_opens_at_its_own_address_too(app_url, page):
    page.goto(f"{app_url}/ask?q=How%20many%20Russian%20citizens%20live%20in%20Transnistria%3F")
    page.locator(".answer-sentence").filter(has_text="200,000").first.wait_for(timeout=90_000)
    assert page.get_by_text("Page not found").count() == 0


def test_compare_in_a_real_browser_flags_the_differing_dates(app_url, page):
    ask_in_browser(page, f"{app_url}/compare", "When did Putin propose the Eurasian security initiative?")
    flag = page.locator(".contrast-differ").first
    flag.wait_for(timeout=60_000)
    assert "July 14, 2023" in flag.inner_text() and "June 14, 2024" in flag.inner_text()
    page.get_by_text("Download as Markdown").wait_for(timeout=30_000)  # rendered after the columns
    from playwright.sync_api import expect

    # To another page by the sidebar and back: the question is still there, and answered.
    page.get_by_role("link", name="Cite").click()
    page.wait_for_url("**/cite", timeout=30_000)
    page.get_by_role("link", name="Compare").click()
    box = page.get_by_role("textbox", name="Question")
    expect(box).to_have_value("When did Putin propose the Eurasian security initiative?", timeout=60_000)
    page.locator(".contrast-differ").first.wait_for(timeout=60_000)


def test_citation_link_from_an_answer_opens_the_highlighted_passage(app_url, page):
    ask_in_browser(page, app_url, "Which new department did the Foreign Ministry create?")
    link = page.locator(".answer-sentence a.citation").first
    link.wait_for(timeout=60_000)
    cited = page.locator(".answer-sentence").first.inner_text().split("”")[0].lstrip("[1] “")
    link.click()
    page.wait_for_url("**/cite?passage=*", timeout=30_000)
    marked = page.locator(".cited-passage mark").first
    marked.wait_for(timeout=60_000)
    assert marked.inner_text() == cited
    page.get_by_text("Copy the citation").wait_for(timeout=30_000)  # rendered after the passage
    # The Markdown form links back here from wherever it is pasted: an absolute URL.
    markdown = page.locator("code").filter(has_text="](").first.inner_text()
    assert markdown.endswith(")") and markdown.split("](")[1][:-1] == page.url


def test_upload_a_document_in_a_real_browser_and_ask_about_it(tmp_path, page):
    write_transcript(tmp_path / "corpus", "ferry.txt", "Answer: The night ferry was cancelled for the winter season.\n")
    build_index(tmp_path / "corpus", tmp_path / "index")
    upload = tmp_path / "bridge.pdf"
    cost = "It cost $200 million, not the $300 million *first* planned_ [sic]."
    upload.write_bytes(
        make_pdf([f"Answer: The new river bridge opens to traffic in May, after the load tests. {cost}"])
    )
    with running_app(VERBATIM_CORPUS=str(tmp_path / "corpus"), VERBATIM_INDEX=str(tmp_path / "index")) as url:
        page.goto(f"{url}/library")
        page.locator("input[type=file]").wait_for(state="attached", timeout=90_000)
        page.locator("input[type=file]").set_input_files(str(upload))
        page.get_by_text("bridge.pdf").first.wait_for(timeout=30_000)  # the upload reached the server
        page.get_by_role("button", name="Add to the library").click()
        page.get_by_text("bridge.pdf added as document bridge").wait_for(timeout=120_000)
        page.get_by_text("Index updated: 2 documents").wait_for(timeout=120_000)
        ask_in_browser(page, url, "When does the river bridge open?")
        answer = page.locator(".answer-sentence").first
        answer.wait_for(timeout=60_000)
        assert "opens to traffic in May" in answer.inner_text() and "p. 1" in answer.inner_text()
        # the context view shows the source's words, not Markdown (no LaTeX between the $, no italics)
        page.locator("summary").filter(has_text="Context").first.click()
        context = page.get_by_text("It cost").last
        context.wait_for(timeout=30_000)
        assert cost in context.inner_text()
        # A file named like a document in the library does not replace it unless asked to.
        (tmp_path / "ferry.txt").write_text("Answer: The night ferry runs all year.\n", encoding="utf-8")
        page.goto(f"{url}/library")
        page.locator("input[type=file]").wait_for(state="attached", timeout=90_000)
        page.locator("input[type=file]").set_input_files(str(tmp_path / "ferry.txt"))
        page.get_by_text("ferry.txt").first.wait_for(timeout=30_000)
        page.get_by_role("button", name="Add to the library").click()
        page.get_by_text("ferry.txt has the name of a document in the library, which is kept").wait_for(timeout=60_000)
        assert "winter season" in (tmp_path / "corpus" / "ferry.txt").read_text(encoding="utf-8")
