"""Use cases end to end, one command at a time (see tests/README.md)."""
