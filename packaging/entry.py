"""What the frozen executable runs: the same entry as `python -m wizard`."""

from wizard.cli import run

if __name__ == "__main__":
    run()
