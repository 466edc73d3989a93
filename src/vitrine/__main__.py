"""`python -m vitrine`: the command line (how the web app starts a job in a worker process)."""

from vitrine.cli import main

main()
