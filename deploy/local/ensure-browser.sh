#!/usr/bin/env bash
# Debian's Chromium (/usr/bin/chromium): the gateway prints the monthly report's PDF with it
# (gateway/pdf.py) and the end-to-end tests drive it with Playwright (executable_path;
# `playwright install` cannot download browsers here); a Thai font (fonts-thai-tlwg), so Thai
# text renders before the web font loads and in screenshots; poppler-utils (pdftotext, pdffonts,
# pdfinfo), with which the tests read the PDFs back. Installs only what is missing;
# `apt-get update` only when a package cannot be found in the current lists. Called by
# `make setup` (so `make run` and `make test`).
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
# the font is there when fontconfig knows a TLWG face (or the package's files are present)
if ! { command -v fc-list >/dev/null && fc-list 2>/dev/null | grep -qi tlwg; } \
   && ! dpkg-query -W -f='${Status}' fonts-thai-tlwg 2>/dev/null | grep -q "ok installed"; then
  missing+=(fonts-thai-tlwg)
fi
command -v pdftotext >/dev/null || missing+=(poppler-utils)
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  SUDO=(sudo -n)
fi
export DEBIAN_FRONTEND=noninteractive
apt_install() {
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends -o Dpkg::Use-Pty=0 "$@" >/dev/null
}

echo "installing ${missing[*]} (Debian packages: the report's PDF, the browser tests)"
for package in "${missing[@]}"; do
  if ! apt-cache show "$package" >/dev/null 2>&1; then
    "${SUDO[@]}" apt-get update -qq >/dev/null
    break
  fi
done
apt_install "${missing[@]}" fontconfig
command -v fc-cache >/dev/null && fc-cache -f >/dev/null 2>&1 || true
[ -x /usr/bin/chromium ] || { echo "chromium did not install" >&2; exit 1; }
