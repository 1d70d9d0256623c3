"""Where the suites, their requirement catalogues and the JSON schemas are: one lookup for the
checkout and for an installed wheel.

The repository keeps suites/ and schemas/ at its top level. The wheel's build maps them into the
package as wsconform/data/suites and wsconform/data/schemas ([tool.setuptools] package-dir in
pyproject.toml), beside wsconform/data/pytest.ini. DATA is the directory holding both: the
checkout's root, or wsconform/data. Plain paths, not importlib.resources: pytest collects the
suites by path, and a worktree run from its own directory with another checkout's editable
install (whose import finder maps wsconform.data.* there) must still find its own files.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
INSTALLED = (PACKAGE / "data" / "suites").is_dir()
DATA = PACKAGE / "data" if INSTALLED else PACKAGE.parent
SUITES_ROOT = DATA / "suites"
SCHEMA_ROOT = DATA / "schemas"
# The repository itself (git, tools/allure), where there is one: an installed wheel has none.
CHECKOUT: Path | None = None if INSTALLED else PACKAGE.parent
