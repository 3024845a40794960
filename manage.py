#!/usr/bin/env python
"""Django's manage.py, for developers; ``quartierskompass`` does the same."""

from quartierskompass.cli import main

if __name__ == "__main__":
    main()
