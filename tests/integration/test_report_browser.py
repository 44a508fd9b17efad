"""The Snakemake HTML report of a smoke run, opened in a real headless Chromium.

Chromium (Debian's `chromium`) loads report.html from disk with a fresh profile and no network, the
test drives the report's own UI over the DevTools protocol, takes screenshots and checks the page
rendered: not blank, every figure of the manifest listed, and a figure actually decoded and shown.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest
from integration_support import host_smoke_run, record_timing, require_tools, run_logged, venv_env
from PIL import Image, ImageStat

from workflow.lib.paths import figure_files

pytestmark = pytest.mark.browser

APT = "apt-get install chromium"
LOADED = "typeof app !== 'undefined' && document.querySelector('#app').innerText.includes('Snakemake')"


def assert_not_blank(png) -> None:
    """A rendered page: many colours, and a good share of pixels away from the background colour."""
    image = Image.open(png).convert("RGB")
    assert image.size[0] >= 800 and image.size[1] >= 600, image.size
    colours = image.getcolors(maxcolors=1 << 20) or []
    assert len(colours) > 50, f"{png}: only {len(colours)} colours"
    background = max(colours)[1]
    share = 1 - max(colours)[0] / (image.size[0] * image.size[1])
    assert share > 0.05, f"{png}: {share:.1%} of pixels differ from the background {background}"
    assert max(ImageStat.Stat(image).stddev) > 10, f"{png}: nearly uniform"


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """report.html of the shared host smoke run."""
    require_tools("chromium", install=APT)
    workdir = host_smoke_run().wait()
    path = workdir / "report.html"
    if not path.exists():
        snakemake = Path(sys.executable).parent / "snakemake"
        start = time.monotonic()
        run_logged([snakemake, "--configfile", "config/smoke.yaml", "--report", "report.html"],
                   cwd=workdir, env=venv_env(), timeout=600, what="snakemake --report")
        record_timing("snakemake --report (smoke)", time.monotonic() - start)
    return path


def test_report_renders_in_headless_chromium(report, tmp_path):
    from headless_chromium import Chromium

    chromium = require_tools("chromium", install=APT)["chromium"]
    start = time.monotonic()
    with Chromium(chromium, tmp_path / "profile", report.as_uri()) as browser:
        browser.wait_for(LOADED)
        home = browser.screenshot(tmp_path / "report-home.png")
        assert_not_blank(home)
        assert "Snakemake" in browser.evaluate("document.title + document.body.innerText")

        # Every result of the report under figures/, as the report's own search lists them (rendered rows).
        in_report = sorted(n for n in browser.evaluate("Object.keys(results)") if n.startswith("figures/"))
        browser.evaluate("app.setView({navbarMode: 'searchresults', searchTerm: 'figures/'})")
        browser.wait_for("document.querySelectorAll('tbody tr').length > 0")
        listed = browser.evaluate(
            "Array.from(document.querySelectorAll('tbody tr')).map(row => row.innerText.trim())"
        )
        assert sorted(listed) == in_report
        expected_figures = [f for f in figure_files() if f.endswith(".png")]
        assert set(expected_figures) <= set(listed), sorted(set(expected_figures) - set(listed))
        assert set(listed) <= set(figure_files()), sorted(set(listed) - set(figure_files()))
        assert_not_blank(browser.screenshot(tmp_path / "report-figures.png"))

        # Each category of the report opens and lists its results.
        categories = browser.evaluate("Object.keys(categories)")
        assert categories
        for category in categories:
            browser.evaluate(f"app.showCategory({json.dumps(category)})")
            browser.wait_for(f"document.querySelector('#app').innerText.includes({json.dumps(category)})")

        # A figure is really decoded and drawn, not just named.
        first = expected_figures[0]
        browser.evaluate(
            f"app.setView({{content: 'img', contentPath: results[{json.dumps(first)}].data_uri,"
            f" resultPath: {json.dumps(first)}}})"
        )
        size = browser.wait_for(
            "(() => { const img = Array.from(document.images).find(i => i.src.startsWith('data:image/png'));"
            " return img && img.complete && img.naturalWidth > 0 ? [img.naturalWidth, img.naturalHeight] : null })()"
        )
        assert size[0] > 100 and size[1] > 100, size
        assert_not_blank(browser.screenshot(tmp_path / "report-figure.png"))
    record_timing("report in headless Chromium", time.monotonic() - start)
