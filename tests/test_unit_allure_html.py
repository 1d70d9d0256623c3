"""wsconform.report.allure_html: the offline report keeps its inline code and loses analytics."""

from __future__ import annotations

from pathlib import Path

import pytest

from wsconform.report import allure_html
from wsconform.report.allure_html import AllureUnavailable, render, strip_analytics

# What allure 3.18's awesome template emits (data URIs shortened): the favicon's data URI
# holds "http://" in an SVG namespace and must stay; the gtag pair must go.
ALLURE_LIKE = """<!DOCTYPE html>
<html><head>
<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'%3E">
<script>
  window.allureReportOptions = {"reportName":"wsconform certify"}
</script>
</head><body>
<script   src="data:text/javascript;base64,QUJD"></script>
<script async src="https://www.googletagmanager.com/gtag/js?id=G-LNDJ3J7WT0"></script>
<script>
    window.dataLayer = window.dataLayer || [];
    function gtag(){dataLayer.push(arguments);}
    gtag('js', new Date());
    gtag('config', 'G-LNDJ3J7WT0', {"report": "awesome"});
</script>
<script async>
  window.allureReportDataReady = false;
</script>
</body></html>
"""


def test_allure_analytics_go_and_the_report_stays() -> None:
    out = strip_analytics(ALLURE_LIKE)
    for gone in ("googletagmanager", "gtag", "dataLayer"):
        assert gone not in out
    for kept in (
        "xmlns='http://www.w3.org/2000/svg'",
        "window.allureReportOptions",
        'src="data:text/javascript;base64,QUJD"',
        "window.allureReportDataReady",
    ):
        assert kept in out


@pytest.mark.parametrize(
    "tag",
    [
        '<link rel="stylesheet" href="https://fonts.example.com/a.css">',
        "<link rel=preload href=http://cdn.example.com/f.woff as=font>",
        "<SCRIPT SRC='//cdn.example.com/x.js'></SCRIPT>",
        '<script type="module" data-x="a>b" src="https://cdn.example.com/m.js"></script>',
        '<script src="https://www.google-analytics.com/analytics.js" async></script>',
        "<script>(function(){var s='https://www.google-analytics.com/analytics.js'})()</script>",
    ],
)
def test_remote_loads_and_analytics_are_dropped(tag: str) -> None:
    assert strip_analytics(f"<p>before</p>{tag}<p>after</p>") == "<p>before</p><p>after</p>"


@pytest.mark.parametrize(
    "tag",
    [
        '<script src="app.js"></script>',
        '<link rel="stylesheet" href="data:text/css;base64,QUJD">',
        '<a href="https://allurereport.org">Allure</a>',
        "<script>const doc = 'https://example.com/'; /* a string, not a load */</script>",
    ],
)
def test_local_code_and_plain_links_are_kept(tag: str) -> None:
    html = f"<p>x</p>{tag}<p>y</p>"
    assert strip_analytics(html) == html


def test_without_node_the_report_is_unavailable_not_failed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(allure_html.shutil, "which", lambda _name: None)
    with pytest.raises(AllureUnavailable, match=r"Node\.js \(node\) not found on PATH"):
        render(tmp_path, tmp_path / "out")
