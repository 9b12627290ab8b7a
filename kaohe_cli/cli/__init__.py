"""The command line: the typer app (`main`) and one module per command; only here are typer and rich used.
Takes argv; calls `kaohe_cli.app` use cases; prints in Chinese and exits with 0, 1 or 2."""
