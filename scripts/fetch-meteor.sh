#!/usr/bin/env bash
# Fetches METEOR 1.5's resources (the jar, whose synonym, function-word and prefix lists peftbench reads, and the
# English paraphrase table) from the PyPI package pycocoevalcap into peftbench's cache, verifying their sha256.
# Prints the folder.
set -euo pipefail

cache="${PEFTBENCH_CACHE:-$HOME/.cache/peftbench}/meteor-1.5"
wheel_sha=083ed7910f1aec000b0a237ef6665f74edf19954204d0b1cbdb8399ed132228d
jar_sha=1e57b4c72c0830ebe68558f1c799a624e96cbc1b6045c9f6330e26dcff6eafc2
para_sha=c147ac7d2c91f2fbb3ad31e4b352235061eb83145e0434daf217ee9ca5975f48

if [ -f "$cache/meteor-1.5.jar" ] && [ -f "$cache/paraphrase-en.gz" ] \
  && echo "$jar_sha  $cache/meteor-1.5.jar" | sha256sum -c --quiet 2>/dev/null \
  && echo "$para_sha  $cache/paraphrase-en.gz" | sha256sum -c --quiet 2>/dev/null; then
  echo "$cache"
  exit 0
fi

command -v python3 >/dev/null || { echo "fetch-meteor: python3 with pip is needed to download METEOR's resources" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "fetch-meteor: downloading pycocoevalcap==1.2 from PyPI" >&2
python3 -m pip download --quiet --no-deps --disable-pip-version-check pycocoevalcap==1.2 -d "$tmp" >&2
wheel="$tmp/pycocoevalcap-1.2-py3-none-any.whl"
echo "$wheel_sha  $wheel" | sha256sum -c --quiet || { echo "fetch-meteor: wheel checksum mismatch" >&2; exit 1; }
python3 - "$wheel" "$tmp" <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    for member, name in (("pycocoevalcap/meteor/meteor-1.5.jar", "meteor-1.5.jar"),
                         ("pycocoevalcap/meteor/data/paraphrase-en.gz", "paraphrase-en.gz")):
        with z.open(member) as src, open(f"{sys.argv[2]}/{name}", "wb") as dst:
            shutil.copyfileobj(src, dst)
PY
echo "$jar_sha  $tmp/meteor-1.5.jar" | sha256sum -c --quiet || { echo "fetch-meteor: jar checksum mismatch" >&2; exit 1; }
echo "$para_sha  $tmp/paraphrase-en.gz" | sha256sum -c --quiet || { echo "fetch-meteor: paraphrase table checksum mismatch" >&2; exit 1; }
mkdir -p "$cache"
for f in meteor-1.5.jar paraphrase-en.gz; do
  mv "$tmp/$f" "$cache/$f.partial"
  mv "$cache/$f.partial" "$cache/$f"
done
echo "fetch-meteor: saved to $cache" >&2
echo "$cache"
