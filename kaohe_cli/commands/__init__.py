"""Typer commands, one module each. Only these modules (and cli.py) use typer and rich."""
