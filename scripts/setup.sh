#!/usr/bin/env bash
# Set up talkingphoto on a fresh Debian machine with Python 3.11, then render the bundled example.
#   scripts/setup.sh             everything, then renders out/example.mp4
#   scripts/setup.sh --no-example   install only (used by scripts/test.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

render_example=1
[ "${1:-}" = "--no-example" ] && render_example=0

# System libraries: OpenCV (pulled in by mediapipe) needs libGL and GLib.
missing=()
for pkg in libgl1 libglib2.0-0; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi

python=${PYTHON:-python3.11}
command -v "$python" >/dev/null || python=python3
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
# Install only when the project or its pins changed since the last install.
stamp=.venv/.installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[all]"
  touch "$stamp"
fi

if [ "$render_example" = 1 ]; then
  mkdir -p out
  .venv/bin/talkingphoto render examples/portrait.jpg examples/speech.wav -o out/example.mp4 --mode vivid
fi
