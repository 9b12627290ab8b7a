"""`Prepared`: one period's input as the engine takes it — subjects, the event ledger, the ratings.

`kaohe_cli.app.prepare` fills it from a workbook with the ledger lines of this stage;
`kaohe_cli.engine.core.score_period` scores it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from kaohe_cli.domain.period import Period
from kaohe_cli.issues import Issue
from kaohe_cli.scheme.model import Scheme


@dataclass
class Prepared:
    """Everything the engine needs, produced by `kaohe_cli.events` (through `kaohe_cli.app.prepare`)."""

    scheme: Scheme
    period: Period
    subjects: pd.DataFrame  # index: subject id; roster or unit columns (Chinese names)
    ledger: pd.DataFrame  # event lines (deduction, bonus, marker, rated, input, clip)
    ratings: pd.DataFrame  # index: subject; rating columns as float (NaN = blank)
    rating_cells: pd.DataFrame  # same shape: source cell text
    issues: list[Issue] = field(default_factory=list)
    file: str = ""
