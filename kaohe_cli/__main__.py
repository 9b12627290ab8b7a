from kaohe_cli.cli.main import main

main()
