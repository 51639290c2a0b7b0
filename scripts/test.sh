#!/usr/bin/env bash
# Runs Recon's whole test suite. The tests use real engines, not stand-ins:
# tesseract (local slip reader), LibreOffice (XLSX opens cleanly) and
# Chromium (HTML report renders; through chromedriver, the browser tests
# drive local pages). They are installed here when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(tesseract-ocr tesseract-ocr-eng tesseract-ocr-tha tesseract-ocr-khm
          fonts-thai-tlwg fonts-noto-core libreoffice-calc-nogui chromium chromium-driver
          time systemd openssl python3-aiosmtpd)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing system packages: ${missing[*]}"
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cargo test --workspace
