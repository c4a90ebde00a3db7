#!/usr/bin/env bash
# Installs GDAL's command-line tools (ogrinfo) when they are missing, so that
# the OGC API – Features test (atlas/web TestOGCWithGDAL) can read /ogc with
# GDAL's OAPIF driver, as QGIS does. Idempotent; prints what it did. Without
# root or apt-get it only says what to install (the test then skips, or
# fails when CI=true).
set -euo pipefail

if command -v ogrinfo >/dev/null 2>&1 && ogrinfo --formats 2>/dev/null | grep -q OAPIF; then
	echo "install-gdal: $(ogrinfo --version) with the OAPIF driver already installed"
	exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "install-gdal: ogrinfo (GDAL ≥ 3.1 with OAPIF) missing; install it with: sudo apt-get install -y gdal-bin"
	exit 0
fi
echo "install-gdal: installing gdal-bin"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gdal-bin >/dev/null
if ! ogrinfo --formats 2>/dev/null | grep -q OAPIF; then
	echo "install-gdal: gdal-bin installed but ogrinfo has no OAPIF driver" >&2
	exit 1
fi
echo "install-gdal: installed $(ogrinfo --version)"
