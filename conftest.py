"""The repository's root conftest: kept where a contributor looks first, and empty.

pytest loads the wsconform plugin (wsconform.plugin, which brings wsconform.fixtures and the
hypothesis profiles of wsconform.hypothesis_profiles) through its `pytest11` entry point, in the
checkout's editable install as in an installed wheel: naming it here as well would register it
twice. Markers and warning filters come from the plugin too; pyproject.toml adds what only the
repository's own tests (tests/) need.
"""
