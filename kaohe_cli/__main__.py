from kaohe_cli.cli import main

main()
