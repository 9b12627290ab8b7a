"""The command line: usage errors, console output, terminal safety, help (see tests/README.md)."""
