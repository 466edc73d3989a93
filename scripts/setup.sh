#!/usr/bin/env bash
# Sets up a fresh machine for vitrine: Debian packages (when run as root and missing), then a
# virtualenv in .venv with vitrine, its web/milvus/dev extras and, unless VITRINE_NO_CLIP=1,
# the CPU build of torch with OpenCLIP. Safe to run again: it only adds what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(chromium chromium-driver fonts-dejavu-core)
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "note: ${missing[*]} not installed (needs root); browser tests will be skipped" >&2
  fi
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e '.[web,milvus,screen,dev]'
if [ "${VITRINE_NO_CLIP:-0}" != 1 ]; then
  # torch 2.13.0 is the CPU build; the constraint keeps open_clip from replacing it with CUDA.
  .venv/bin/pip install -q torch==2.13.0
  .venv/bin/pip install -q -c constraints/torch-cpu.txt -e '.[clip]'
fi
