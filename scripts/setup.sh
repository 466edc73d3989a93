#!/usr/bin/env bash
# Sets up a fresh machine for vitrine: Debian packages (when run as root and missing: chromium for the
# browser tests, Tesseract with English and French for OCR, espeak-ng for living portraits), then a
# virtualenv in .venv with vitrine, its web/milvus/screen/dev/faces/bot/ocr/entities/living/ray/s3 extras and, unless VITRINE_NO_CLIP=1,
# the CPU build of torch with OpenCLIP. Safe to run again: it only adds what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=(chromium chromium-driver fonts-dejavu-core tesseract-ocr tesseract-ocr-eng tesseract-ocr-fra espeak-ng)
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# npm fetches the IIIF viewer the browser tests open manifests in (below); any node install will do.
command -v npm >/dev/null || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "note: ${missing[*]} not installed (needs root); browser, viewer and OCR tests will be skipped" >&2
  fi
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e '.[web,milvus,screen,dev,faces,bot,ocr,entities,living,ray,s3]'
# The HIPE-scorer (hipe-eval/HIPE-scorer, the shared tasks' own scorer; not on PyPI) scores HIPE-2022 files in
# `vitrine entities score-hipe` and `vitrine bench entities`; pinned to a commit, best effort (needs GitHub).
.venv/bin/pip install -q docopt
timeout 90 .venv/bin/pip install -q --timeout 15 --retries 1 \
  'HIPE-scorer @ git+https://github.com/hipe-eval/HIPE-scorer@c2a56844a0bf91ed0c471b933bac4e3d31f08059' \
  || echo "note: could not install the HIPE-scorer from GitHub; HIPE files can be tagged but not scored" >&2
# iiif-prezi3 validates the IIIF manifests in the tests (a dev tool). Its package pins Pillow<=12.0.0,
# which would hold back vitrine's Pillow; the pin is not a need (only a helper we never call reads
# images), so it comes without its dependencies: pydantic is vitrine's own, requests is added here.
.venv/bin/pip install -q requests
.venv/bin/pip install -q --no-deps 'iiif-prezi3==3.1.1'
if [ "${VITRINE_NO_CLIP:-0}" != 1 ]; then
  # torch 2.13.0 is the CPU build; the constraint keeps open_clip from replacing it with CUDA.
  .venv/bin/pip install -q torch==2.13.0
  .venv/bin/pip install -q -c constraints/torch-cpu.txt -e '.[clip]'
fi

# Mirador, the IIIF viewer in which tests/web/test_iiif_viewer_browser.py shows a manifest's annotations:
# its self-contained bundle from npm, checked against a pinned digest, kept out of git (vendor/).
MIRADOR_VERSION=4.0.0
MIRADOR_SHA512=b96b04f5eda8a9273f954bbebd5c031a14ecc9cba11ac7d9d8a7d7e822df5e24f7c201b2eaa4fdfaae4cdd5f59cfbda191d220b09ba029eb1aa30991b589afac
fetch_mirador() {
  local dir=vendor/mirador tmp
  [ "$(cat "$dir/VERSION" 2>/dev/null)" = "$MIRADOR_VERSION" ] && [ -f "$dir/mirador.min.js" ] && return 0
  command -v npm >/dev/null || { echo "note: no npm; the IIIF viewer test will be skipped" >&2; return 0; }
  tmp=$(mktemp -d)
  if npm pack --silent --pack-destination "$tmp" "mirador@$MIRADOR_VERSION" >/dev/null \
      && echo "$MIRADOR_SHA512  $tmp/mirador-$MIRADOR_VERSION.tgz" | sha512sum --check --status \
      && tar -xzf "$tmp/mirador-$MIRADOR_VERSION.tgz" -C "$tmp" package/dist/mirador.min.js package/LICENSE; then
    mkdir -p "$dir"
    mv "$tmp/package/dist/mirador.min.js" "$tmp/package/LICENSE" "$dir/"
    echo "$MIRADOR_VERSION" >"$dir/VERSION"
  else
    echo "note: could not fetch mirador@$MIRADOR_VERSION from npm; the IIIF viewer test will be skipped" >&2
  fi
  rm -rf "$tmp"
}
fetch_mirador
