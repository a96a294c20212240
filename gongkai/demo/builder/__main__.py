"""``python -m gongkai.demo.builder [OUT]``: regenerate the demo trees (into OUT instead of the package)."""

from __future__ import annotations

import argparse
from pathlib import Path

from . import SITES, SITES_DIR, build_all


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m gongkai.demo.builder", description=__doc__)
    parser.add_argument("out", nargs="?", type=Path, default=SITES_DIR,
                        help=f"directory to write {', '.join(SITES)} under (default: {SITES_DIR})")
    args = parser.parse_args(argv)
    build_all(args.out)
    print(f"wrote {', '.join(SITES)} under {args.out}")


if __name__ == "__main__":
    main()
