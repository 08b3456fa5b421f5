#!/usr/bin/env python
"""Same as the ``dropyard`` console script."""

from dropyard.__main__ import main

if __name__ == "__main__":
    main()
