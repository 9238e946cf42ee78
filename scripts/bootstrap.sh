#!/usr/bin/env bash
# Installs what marriage-archive needs on a Debian machine, then the project in .venv.
# Idempotent: installs only what is missing. Without root it prints the exact command.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  python3 python3-venv python3-dev
  tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-chi-tra tesseract-ocr-osd
  poppler-utils poppler-data
  fonts-noto-cjk fonts-arphic-ukai fonts-arphic-uming fonts-wqy-zenhei
  libgl1 libglib2.0-0
  chromium chromium-driver
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done

if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "==> installing system packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "marriage-archive needs these system packages: ${missing[*]}" >&2
    echo "Install them as root, then run make again:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

PYTHON=${PYTHON:-python3}
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || {
  echo "marriage-archive needs Python >= 3.11 (found $("$PYTHON" --version))." >&2
  echo "Set PYTHON=/path/to/python3.11 and run make again." >&2
  exit 1
}
if [[ ! -x .venv/bin/python ]]; then
  echo "==> creating .venv"
  "$PYTHON" -m venv .venv
fi
echo "==> installing marriage-archive into .venv"
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e '.[search,test,dev]'
# The PP-OCRv6 recognition model (the default, docs/ocr.md) ships in RapidOCR 3's wheel.
# Only the model file is used, so the wheel goes in without its dependencies: they
# would put opencv-python-headless beside our opencv-python (two packages, one cv2).
.venv/bin/python -m pip install -q --no-deps 'rapidocr==3.10.0'
echo "==> setup complete"
