#!/usr/bin/env bash
# Regenerates the app icons (committed; not part of the build).
# Needs imagemagick and the DejaVu fonts (fonts-dejavu-core).
# The .deb installs each PNG into /usr/share/icons/hicolor/<size>/apps, so menus,
# docks and app grids find the icon at every standard size; the first PNG listed in
# src-tauri/tauri.conf.json (32x32) is also the window icon.
set -euo pipefail
cd "$(dirname "$0")"
convert -size 1024x1024 xc:none \
  -fill '#1f3a5f' -draw 'roundrectangle 64,64 959,959 180,180' \
  -fill white -font DejaVu-Sans-Bold -pointsize 620 -gravity center -annotate +0+10 'N' \
  PNG32:source-1024.png
for spec in 16x16:16x16.png 24x24:24x24.png 32x32:32x32.png 48x48:48x48.png 64x64:64x64.png \
  128x128:128x128.png 256x256:256x256.png 512x512:icon.png 64x64:../ui/public/favicon.png; do
  size=${spec%%:*}; out=${spec#*:}
  convert source-1024.png -filter Lanczos -resize "$size" -strip PNG32:"$out"
done
rm -f source-1024.png
