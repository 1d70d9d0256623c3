"""The one Jinja2 environment for the package's HTML reports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

TEMPLATES = Path(__file__).resolve().parent / "templates"

# autoescape=True for every template: reports quote server-supplied text (notes, targets), which
# must never become markup. StrictUndefined: a misspelt variable fails instead of rendering "".
_ENV = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def render(template: str, **context: Any) -> str:
    """Render templates/<template> with `context`."""
    return _ENV.get_template(template).render(**context)
