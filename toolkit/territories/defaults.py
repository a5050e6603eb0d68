"""What participants of a new territory agree to until its coordinators write their own words, in the ten
interface languages (``default_consent.json``)."""

from __future__ import annotations

import json
from pathlib import Path

CONSENT_FILE = Path(__file__).with_name("default_consent.json")

#: The participants' consent text of a new territory, per language.
CONSENT_TEXT: dict[str, str] = json.loads(CONSENT_FILE.read_text(encoding="utf-8"))
