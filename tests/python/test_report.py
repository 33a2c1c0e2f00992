"""The HTML report (analysis/report.py): self-contained, in English and Dutch, rendered by headless
Chromium with every image shown and no script error. The screenshot of the default experiment's
report is docs/report-default.png; SAMEN_UPDATE_SCREENSHOT=1 rewrites it from a 200-replicate
run."""
import base64
import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "analysis"))
from samen_analysis import report  # noqa: E402

SAMEN = os.environ.get("SAMEN", os.path.join(ROOT, "build", "samen"))
PYTHON = "/usr/bin/python3"
DOC_SHOT = os.path.join(ROOT, "docs", "report-default.png")


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    o = tmp_path_factory.mktemp("report") / "default.h5"
    subprocess.run([SAMEN, "run", "-o", str(o), "--replicates", "20", "--set", "horizon=156", "--quiet"],
                   check=True, capture_output=True)
    return o


@pytest.fixture(scope="module")
def html_en(out):
    p = out.with_suffix(".html")
    r = subprocess.run([PYTHON, os.path.join(ROOT, "analysis", "report.py"), str(out), "-o", str(p)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return p


def images(page):
    return re.findall(r'<img[^>]*src="([^"]*)"', page)


def test_report_is_self_contained(html_en, out):
    page = html_en.read_text(encoding="utf-8")
    # nothing is fetched: no external URL in src/href, no link/stylesheet/@import/url()
    assert not re.search(r'(src|href)\s*=\s*"(?!data:|#)', page)
    assert "<link" not in page and "@import" not in page and "url(" not in page
    imgs = images(page)
    assert len(imgs) >= 4
    for src in imgs:
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1]).startswith(b"\x89PNG\r\n\x1a\n")
    for section in ("The question", "The conditions in words", "The headline", "In plain words",
                    "What the model does not show", "Appendix"):
        assert section in page
    assert "network_first" in page and "structure_first" in page
    # the provenance appendix: scenario text, version, seed, file hash
    assert "name: default" in page and "samen_version" in page and "20131" in page and "SHA-256" in page
    assert "20 times" in page


def test_report_numbers_come_from_the_comparison(html_en, out):
    from samen_analysis import open_output, stats
    from samen_analysis.text import value
    page = html_en.read_text(encoding="utf-8")
    comp = stats.paired_comparison(open_output(out))
    r = comp[(comp["metric"] == "value") & (comp["condition"] == "structure_first")].iloc[0]
    assert value("value", r["mean"], "en", r["mean_baseline"]) in page
    assert value("value", r["difference"], "en", r["mean_baseline"], diff=True) in page


def test_dutch_report(out, tmp_path):
    p = tmp_path / "nl.html"
    r = subprocess.run([PYTHON, os.path.join(ROOT, "analysis", "report.py"), str(out), "-o", str(p), "--lang", "nl"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    page = p.read_text(encoding="utf-8")
    assert '<html lang="nl">' in page
    for words in ("De vraag", "De condities in woorden", "De hoofdlijn", "Hoe zeker is dit?",
                  "Wat het model niet laat zien", "procentpunt", "95%-interval"):
        assert words in page
    assert "The question" not in page and "percentage points" not in page
    assert re.search(r"\d,\d{2,3}\b", page)  # decimal commas


def test_bad_input(tmp_path):
    (tmp_path / "x.h5").write_text("not hdf5")
    r = subprocess.run([PYTHON, os.path.join(ROOT, "analysis", "report.py"), str(tmp_path / "x.h5"), "-o",
                        str(tmp_path / "x.html")], capture_output=True, text=True)
    assert r.returncode == 2 and "cannot read it as a samen output" in r.stderr
    assert not (tmp_path / "x.html").exists()


needs_chromium = pytest.mark.skipif(report.chromium() is None, reason="chromium not installed (make deps)")


@needs_chromium
def test_chromium_shows_every_image(html_en, tmp_path):
    check = report.page_check(html_en)
    n = len(images(html_en.read_text(encoding="utf-8")))
    assert check.pop("pageHeight") > 2000
    assert check == {"images": n, "imagesLoaded": n, "brokenResources": 0, "scriptErrors": 0, "imagesOk": True}
    shot = report.screenshot(html_en, tmp_path / "shot.png")
    from PIL import Image
    im = Image.open(shot).convert("L")
    w, h = im.size
    assert w == 1100 and h > 2000
    # not blank: dark pixels (text, plots) all the way down the page
    import numpy as np
    a = np.asarray(im)
    for band in np.array_split(a, 4):
        assert (band < 128).mean() > 0.002


@needs_chromium
def test_chromium_check_catches_a_broken_image(html_en, tmp_path):
    page = html_en.read_text(encoding="utf-8")
    src = images(page)[1]
    broken = page.replace(src, "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\nnot a png").decode())
    p = tmp_path / "broken.html"
    p.write_text(broken, encoding="utf-8")
    check = report.page_check(p)
    assert check["imagesOk"] is False and check["imagesLoaded"] == check["images"] - 1
    # and a script error is counted
    p.write_text(page.replace("</body>", "<script>undefinedFunction()</script></body>"), encoding="utf-8")
    check = report.page_check(p)
    assert check["scriptErrors"] >= 1 and check["imagesOk"] is True


def test_docs_screenshot(tmp_path):
    """docs/report-default.png shows the default experiment's report (regenerate with
    SAMEN_UPDATE_SCREENSHOT=1 make pytest)."""
    if os.environ.get("SAMEN_UPDATE_SCREENSHOT") == "1" and report.chromium():
        (tmp_path / "build").mkdir()
        (tmp_path / "build" / "samen").symlink_to(os.path.abspath(SAMEN))
        subprocess.run(["build/samen", "run", "-o", "samen-default.h5", "--quiet"], check=True,
                       capture_output=True, cwd=tmp_path)
        cwd = os.getcwd()
        try:
            os.chdir(tmp_path)
            with open("samen-default.html", "w", encoding="utf-8") as f:
                f.write(report.build("samen-default.h5"))
        finally:
            os.chdir(cwd)
        report.screenshot(tmp_path / "samen-default.html", DOC_SHOT)
        from PIL import Image
        im = Image.open(DOC_SHOT)
        im.convert("P", palette=Image.ADAPTIVE, colors=128).save(DOC_SHOT, optimize=True)
    with open(DOC_SHOT, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
