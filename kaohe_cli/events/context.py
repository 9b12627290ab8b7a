"""`Context`: what every step that makes ledger lines shares — the scheme, the period, the scored
subjects, the roster and units they are resolved against, and the input file's name."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kaohe_cli.domain.period import Period
from kaohe_cli.normalize.roster import Roster
from kaohe_cli.scheme.model import Scheme


@dataclass
class Context:
    scheme: Scheme
    period: Period
    subjects: pd.DataFrame  # scored subjects
    roster: Roster  # people (person schemes) — may be empty for unit schemes
    units: pd.DataFrame | None
    file: str
