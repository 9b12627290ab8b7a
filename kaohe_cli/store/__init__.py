"""The archive: SQLite schema, migrations, runs, decisions, summaries and the queries behind explain, diff and history.
Takes scored results; gives stored rows back to the use cases."""
