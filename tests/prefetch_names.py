"""One `Prefetch` for the reading tests, under the names those tests were written against:
`start_reading` / `read_in_background` are its `start` / `take`, `W._STARTED` its reads."""

from types import SimpleNamespace

from kaohe_cli.read.background import Prefetch

_reads = Prefetch()
start_reading = _reads.start
read_in_background = _reads.take
W = SimpleNamespace(_STARTED=_reads.started)
