#!/usr/bin/env python3
"""Pack the browser extension (``extension/``) into the zip merchants download.

Deterministic, so the committed zip can be checked against the folder: entries sorted by path,
every timestamp 1980-01-01, the same permissions, and stored without compression — deflate
output may differ between zlib builds, and the whole extension is a few dozen kilobytes.

Usage: ``python scripts/build_extension.py [--output PATH]`` (default:
``dropyard/static/downloads/dropyard-extension.zip``, served from the Developers page).
"""

import argparse
import json
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "extension"
DEFAULT_OUTPUT = ROOT / "dropyard" / "static" / "downloads" / "dropyard-extension.zip"
FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold


def extension_files(source: Path = SOURCE) -> list[Path]:
    """The files that go into the package, sorted by their path inside it (no dotfiles)."""
    files = [
        path
        for path in source.rglob("*")
        if path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(source).parts)
    ]
    return sorted(files, key=lambda path: path.relative_to(source).as_posix())


def build(output: Path = DEFAULT_OUTPUT, source: Path = SOURCE) -> Path:
    """Write the zip to ``output`` and return it; the same files give the same bytes."""
    json.loads((source / "manifest.json").read_text())  # refuse to pack a broken manifest
    output.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_STORED) as archive:
        for path in extension_files(source):
            info = zipfile.ZipInfo(path.relative_to(source).as_posix(), date_time=FIXED_TIME)
            info.external_attr = 0o644 << 16
            info.create_system = 3  # Unix, whatever machine builds it
            archive.writestr(info, path.read_bytes())
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    print(build(args.output))
    return 0


if __name__ == "__main__":
    sys.exit(main())
