#!/usr/bin/env bash
# Run the whole test suite (installs what it needs first). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --no-example
# The web studio's browser test drives Debian's chromium (never a downloaded browser).
# The training corpus's Festival source is checked against Debian's festival and one of its
# voices, its sung clips against Rubber Band's command line tool (training-only dependencies,
# about 5 MB to download).
missing=()
command -v chromium >/dev/null || missing+=(chromium)
[ -d /usr/share/festival/voices/english/kal_diphone ] || missing+=(festival festvox-kallpc16k)
command -v rubberband >/dev/null || missing+=(rubberband-cli)
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq && $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi
exec .venv/bin/python -m pytest -q "$@"
