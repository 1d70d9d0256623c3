"""What a run reads besides the code: in a wheel, the repository's suites/ and schemas/ are built
in here (pyproject.toml's package-dir); in the checkout they stay at the top level
(wsconform.layout finds either)."""
