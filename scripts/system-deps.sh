#!/usr/bin/env bash
# Installs the Debian packages the tests need when they are missing: Chromium (browser tests),
# espeak-ng (spoken fixtures), poppler-utils (pdftotext reads the printed appraisal back), faketime (the suite run again at other dates: make test-dates), and
# the Noto CJK and colour emoji fonts, so browser screenshots show Chinese and the bell, not boxes;
# PostgreSQL (the suite's second run, make test-postgres) and redis-server (the distributed-worker tests).
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v espeak-ng >/dev/null 2>&1 || need+=(espeak-ng)
command -v faketime >/dev/null 2>&1 || need+=(faketime)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need+=(fonts-noto-cjk)
dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 || need+=(fonts-noto-color-emoji)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
[ ${#need[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: please install ${need[*]} (no apt-get here); browser tests will be skipped" >&2
  exit 0
fi
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "system-deps: installing ${need[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
