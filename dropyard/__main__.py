"""The ``dropyard`` console script: Django's manage.py under Dropyard's settings."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dropyard.config.settings")
    # Imported after the settings module is chosen (Django reads it on import); no cycle.
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
