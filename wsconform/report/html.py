"""The one Jinja2 environment for the package's HTML reports."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jinja2 import Environment

TEMPLATES = Path(__file__).resolve().parent / "templates"


@functools.cache
def _environment() -> Environment:
    """Made on first use: Jinja2 costs every pytest process (xdist workers, the kill matrix's
    runs) a fifth of a second to import, and only the process that writes a report needs it."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    # autoescape=True for every template: reports quote server-supplied text (notes, targets),
    # which must never become markup. StrictUndefined: a misspelt variable fails, not "".
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(template: str, **context: Any) -> str:
    """Render templates/<template> with `context`."""
    return _environment().get_template(template).render(**context)
