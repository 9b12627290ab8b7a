"""The archive: SQLite schema, migrations, runs, decisions, summaries and the queries behind quota, explain, diff and history.
Takes scored results; gives stored rows back to the use cases.

`archive` opens and guards the file (the `Archive` object every caller uses); `schema` holds the
tables and migrations, `cells` the value conversions, and `runs`, `decisions`, `summaries`
and `queries` the reads and writes of each table."""
