"""What `wsconform soak` hands to the Locust master and workers it starts (and what each machine's
`wsconform soak --worker` hands its own): one JSON file named by an environment variable, so
that every process of a run, on any machine, works from the same settings."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

ENV = "WSCONFORM_SOAK_CONFIG"  # the path of the JSON file


@dataclass(frozen=True)
class SoakConfig:
    profile: str
    url: str
    public_channel: str
    private_channel: str
    report_dir: str
    ca_file: str | None = None
    headers: list[str] = field(default_factory=list)
    # Tokens: the embedded mock's issuer key, or the suite's token settings for a live target.
    key_file: str | None = None
    token_command: str | None = None
    token: str | None = None
    expired_token: str | None = None
    token_url: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    scope: str | None = None
    token_timeout: float = 30.0
    token_rate: float = 20.0  # token command calls per second, per worker
    # Expiry: the mock's controls (mass expiry, on its clock) or the tokens' own lifetimes.
    run_time: float = 60.0  # seconds from the start, then the users stop and the master quits
    control_url: str | None = None
    expire_after: float = 10.0  # seconds after the last user is spawned
    op_timeout: float = 10.0
    resume_within: float = 1.0
    quiet_after_expiry: float = 2.0
    bad_token_rate: float = 10.0  # bad tokens presented per second, across the run
    bad_users: int = 0

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self), indent=2), encoding="utf-8")

    @classmethod
    def from_environment(cls) -> SoakConfig:
        try:
            path = os.environ[ENV]
        except KeyError:
            raise SystemExit(f"{ENV} names no soak configuration: run `wsconform soak`") from None
        return cls(**json.loads(Path(path).read_text(encoding="utf-8")))
