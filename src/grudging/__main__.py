"""``python -m grudging``: the command line."""

from grudging.cli import run_main

if __name__ == "__main__":
    run_main()
