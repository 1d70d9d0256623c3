"""What a run tells Allure (allure-pytest, with --alluredir), and what Allure must not write.

Per test: epic = the profile, feature = the behaviour families of its requirements, story = each
requirement (ID and title), severity from the highest level (MUST critical, SHOULD normal, INFO
minor), a link to each requirement's documentation, and as attachments the redacted wire
transcript and, when hypothesis falsified the test, the falsifying example and the seed.

allure-pytest writes the exception text and captured output as it finds them, so everything it
writes passes through the run's redactor first: result objects are redacted in place before the
file logger sees them, attachment files rewritten after it has written them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import allure
import allure_commons
import attr
import pytest
from allure_pytest.utils import ALLURE_LABEL_MARK, ALLURE_LINK_MARK

from wsconform.profiles.base import Profile
from wsconform.redact import Redactor
from wsconform.requirements import Catalogue, Level

SEVERITY = {Level.MUST: "critical", Level.SHOULD: "normal", Level.INFO: "minor"}
# Where hypothesis' own report starts in a failure (its wording differs between versions).
_FALSIFIED = re.compile(r"(Falsifying (explicit )?example|Failing test case|@reproduce_failure)")
_PYTEST_MARGIN = re.compile(r"^E {1,11}")
MAX_LINE = 1000


def active(config: pytest.Config) -> bool:
    return bool(getattr(config.option, "allure_report_dir", None))


def install(config: pytest.Config, redactor: Redactor) -> None:
    allure_commons.plugin_manager.register(
        RedactAllureOutput(Path(config.option.allure_report_dir), redactor), "wsconform-redact"
    )


def uninstall() -> None:
    allure_commons.plugin_manager.unregister(name="wsconform-redact")


def label(item: pytest.Item, profile: Profile, catalogue: Catalogue, req_ids: list[str]) -> None:
    """Mark a suite test with its Allure labels and documentation links."""
    reqs = [catalogue[r] for r in req_ids]
    top = min((r.level for r in reqs), key=list(Level).index)
    marks = [
        _label("epic", profile.title),
        _label("feature", *dict.fromkeys(r.family for r in reqs)),
        _label("story", *(f"{r.id} {r.title}" for r in reqs)),
        _label("severity", SEVERITY[top]),
    ]
    for req in reqs:
        url = catalogue.link(req)
        if url:
            marks.append(
                getattr(pytest.mark, ALLURE_LINK_MARK)(
                    url, link_type="link", name=f"{req.id}: {req.source}"
                )
            )
    for mark in marks:
        item.add_marker(mark)


def _label(kind: str, *values: str) -> pytest.MarkDecorator:
    return getattr(pytest.mark, ALLURE_LABEL_MARK)(*values, label_type=kind)


def attach(transcript: Path | None, falsified: str | None) -> None:
    """Attach the test's evidence to its Allure result (both already redacted)."""
    if transcript is not None:
        allure.attach.file(
            transcript, "wire transcript (redacted)", allure.attachment_type.TEXT, "txt"
        )
    if falsified:
        allure.attach(
            falsified, "hypothesis falsifying example", allure.attachment_type.TEXT, "txt"
        )


def falsifying_example(failure_text: str, seed_note: str) -> str | None:
    """Hypothesis' own lines from a failure (the example, how to reproduce it) and the seed."""
    lines = [_PYTEST_MARGIN.sub("", line) for line in failure_text.splitlines()]
    start = next((i for i, line in enumerate(lines) if _FALSIFIED.search(line)), None)
    if start is None:
        return None
    shown = [line[:MAX_LINE] + ("…" if len(line) > MAX_LINE else "") for line in lines[start:]]
    shown = [line for line in shown if line.strip()]
    return "\n".join([*shown[:60], f"hypothesis: {seed_note}"])


class RedactAllureOutput:
    """An allure-commons plugin: nothing Allure writes holds a secret in full."""

    def __init__(self, report_dir: Path, redactor: Redactor) -> None:
        self.report_dir = report_dir
        self.redactor = redactor

    @allure_commons.hookimpl(tryfirst=True)
    def report_result(self, result: Any) -> None:
        self._redact(result)

    @allure_commons.hookimpl(tryfirst=True)
    def report_container(self, container: Any) -> None:
        self._redact(container)

    @allure_commons.hookimpl(trylast=True)
    def report_attached_data(self, body: Any, file_name: str) -> None:
        self._rewrite(file_name)

    @allure_commons.hookimpl(trylast=True)
    def report_attached_file(self, source: Any, file_name: str) -> None:
        self._rewrite(file_name)

    def _redact(self, obj: Any) -> Any:
        """Redact every string in an Allure model object, in place."""
        if isinstance(obj, str):
            return self.redactor.text(obj)
        if isinstance(obj, list):
            obj[:] = [self._redact(value) for value in obj]
        elif attr.has(type(obj)):
            for field in attr.fields(type(obj)):
                setattr(obj, field.name, self._redact(getattr(obj, field.name)))
        return obj

    def _rewrite(self, file_name: str) -> None:
        path = self.report_dir / file_name
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return  # not text (a screenshot, say): nothing a redactor could find
        redacted = self.redactor.text(text)
        if redacted != text:
            path.write_text(redacted, encoding="utf-8")
