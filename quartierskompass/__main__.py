from quartierskompass.cli import main

main()
