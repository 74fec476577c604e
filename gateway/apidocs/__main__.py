"""``python -m gateway.apidocs [FILE]``: write the merged OpenAPI document (what the gateway
serves at ``/openapi.json``) to FILE, or to standard output, without starting anything: for
generating clients (docs/api.md)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from gateway.app import create_gateway_app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gateway.apidocs",
                                     description="Write the gateway's merged OpenAPI document.")
    parser.add_argument("file", nargs="?", help="where to write it (default: standard output)")
    args = parser.parse_args(argv)
    text = json.dumps(create_gateway_app().openapi(), ensure_ascii=False, indent=2,
                      sort_keys=False) + "\n"
    if args.file:
        Path(args.file).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
