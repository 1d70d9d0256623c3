"""Client-compatibility presets: what one named client needs of a mock, switched on together.

A preset is not a variant. A variant is a conforming choice the documents allow, and the kill
matrix runs the whole suite under each and requires it green. A preset may also switch on
departures: behaviours the documents contradict or never show, which a real client needs to
work against the mock. The suite goes on judging by the documents, so a run against a preset
may WARN or FAIL exactly where the preset departs from them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Preset:
    """What one client needs, as `wsconform mock <profile> --preset <name>` switches it on."""

    client: str  # whose needs, and where they were read
    variant: Mapping[str, str] = field(default_factory=dict)  # conforming choices it selects
    # Behaviours beyond the documents, each the name of one of the mock's DEFECTS (the
    # behaviour a defect switch already implements) or of its DEPARTURES (preset-only ones).
    departures: tuple[str, ...] = ()
