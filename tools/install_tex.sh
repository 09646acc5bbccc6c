#!/usr/bin/env bash
# Install the LaTeX toolchain `make thesis` needs (Debian/Ubuntu texlive: latexmk, pdflatex, booktabs,
# amsmath, graphicx, hyperref, natbib, cleveref, subcaption).  Needs root (or sudo) and network access
# to the distribution's package mirror; about 600 MB on disk.  Safe to re-run: does nothing when latexmk exists.
set -euo pipefail
if command -v latexmk >/dev/null 2>&1 && command -v pdflatex >/dev/null 2>&1 \
   && kpsewhich booktabs.sty >/dev/null 2>&1; then
  echo "latexmk and the needed LaTeX packages are already installed: $(command -v latexmk)"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install_tex.sh: need root or sudo to run apt-get" >&2; exit 1; }
  SUDO="sudo"
fi
command -v apt-get >/dev/null 2>&1 || {
  echo "install_tex.sh: apt-get not found; install latexmk and TeX Live (recommended + extra + fonts) with your system's package manager" >&2
  exit 1; }
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y latexmk texlive-latex-recommended texlive-latex-extra \
  texlive-fonts-recommended
echo "installed: $(latexmk -v | head -n 2 | tail -n 1)"
