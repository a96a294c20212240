#!/usr/bin/env bash
# The test command (README, and what .ci/run calls): install what the suite needs, start its
# servers, lint, run it.  Nothing is skipped for want of a browser or a server: Debian's chromium
# (the scorecard browser test, driven by Playwright from PyPI), the distributed extra, Redis and
# PostgreSQL on loopback (scripts/services.sh) are provided here, and a test that still finds one
# missing fails, saying what (tests/environment.py).  Arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
. .venv/bin/activate
python -m pip install -q --upgrade pip
pip install -q -e '.[test,distributed]'
services_env="$(bash scripts/services.sh)"
eval "$services_env"
ruff check .
pytest "$@"
