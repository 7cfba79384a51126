"""A finalised appraisal printed to PDF by a real Chromium (print-to-PDF through Playwright) against
`qadesk serve`: the PDF is produced and names the agent and the rating; a screenshot of the page too."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.functional.test_browser_loop import ARTIFACTS, CHROMIUM, PASSWORD, _login, _qadesk, _serving

pytestmark = [pytest.mark.browser, pytest.mark.slow]
NDJSON = Path(__file__).resolve().parents[1] / "fixtures" / "new_agent.ndjson"


@pytest.fixture
def finalised(tmp_path):
    """An instance with sam.new's November appraisal finalised as Meets; (url, appraisal id)."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make test installs it): browser test skipped")
    instance = tmp_path / "instance"
    _qadesk(instance, "init")
    _qadesk(instance, "ingest", str(NDJSON), "--create-agents")
    _qadesk(instance, "user", "add", "hr.person", "--role", "hr", "--password", PASSWORD)
    _qadesk(instance, "score")
    _qadesk(instance, "appraisal", "draft", "--period", "2026-11")
    _qadesk(instance, "appraisal", "finalise", "1", "--rating", "Meets")
    with _serving(instance) as url:
        yield url, 1


def test_a_finalised_appraisal_prints_to_a_pdf_naming_the_agent_and_the_rating(finalised, tmp_path):
    from playwright.sync_api import sync_playwright
    url, appraisal_id = finalised
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(20_000)
            _login(page, url, "hr.person")
            page.goto(f"{url}appraisals/{appraisal_id}")
            assert "sam.new" in page.content()
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "appraisal.png"), full_page=True)
            pdf = tmp_path / "appraisal.pdf"
            page.pdf(path=str(pdf), format="A4", print_background=False)
        finally:
            browser.close()
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 5_000
    text = _pdf_text(pdf)
    assert "sam.new" in text and "Meets" in text and "Log out" not in text  # the navigation is not printed


def _pdf_text(pdf: Path) -> str:
    """The PDF's text by pdftotext (poppler-utils, installed by scripts/system-deps.sh)."""
    import subprocess
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed to read the PDF back")
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
