"""A frame as the probe session files it on arrival (wsconform.session.Frame), made from a JSON
value, or from text that is no JSON, for the predicates and models the unit tests feed."""

from __future__ import annotations

import json

from wsconform.session import Frame


def frame(message: object) -> Frame:
    text = message if isinstance(message, str) else json.dumps(message)
    try:
        return Frame(index=0, at=0.0, data=text, _parsed=json.loads(text))
    except ValueError:
        return Frame(index=0, at=0.0, data=text)
