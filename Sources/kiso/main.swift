import KisoCLI

KisoCommand.main()
