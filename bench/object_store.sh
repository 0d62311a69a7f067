#!/usr/bin/env bash
# Publishing to object storage (#17) against moto's S3 server on loopback.
#
#   bench/object_store.sh SITE        a corpus from gen_corpus, e.g. c50k
#
# Copies SITE to a scratch directory (SITE itself is never modified),
# starts moto (`pip install 'moto[server]'`) on a free loopback port and
# runs feedpub build --out feeds --out s3://bench/feeds/ four times:
#   full           no ledger, no state: one listing, every object uploaded
#   noop           nothing changed, 3 s later (files settled): hashes the
#                  files the full run wrote too recently to identify by stat
#   noop-again     nothing changed: stat only, nothing read
#   edit           one sentence appended to the article on top of the site feed
#   noop-nostate   .feedpub-remote deleted: one listing, nothing uploaded
# One line per run: objects and bytes uploaded, requests the server logged
# (by method), the upload stage's and the whole run's wall time.
#
# Environment:
#   FEEDPUB          the binary (default: target/release/feedpub, built first)
#   FEEDPUB_BENCH_WORK  scratch directory (default target/bench-work)
set -euo pipefail

die() {
  echo "object_store.sh: error: $*" >&2
  exit 1
}

[ $# = 1 ] || die "usage: bench/object_store.sh SITE"
[ -f "$1/feedpub.toml" ] && [ -d "$1/content" ] || die "$1 is not a gen_corpus site (no feedpub.toml and content/)"
python3 -c 'import moto.server' 2>/dev/null || die "moto's server is missing: pip install 'moto[server]'"
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
target_dir=${CARGO_TARGET_DIR:-$repo/target}
if [ -z "${FEEDPUB:-}" ]; then
  cargo build --release --quiet --manifest-path "$repo/Cargo.toml" --bin feedpub || die "cargo build --release failed"
  FEEDPUB=$target_dir/release/feedpub
fi
work=${FEEDPUB_BENCH_WORK:-$target_dir/bench-work}/object-store
now=2026-06-01T00:00:00Z

rm -rf "$work"
mkdir -p "$work"
site=$work/site
cp -a "$1" "$site"
rm -rf "$site/feeds" "$site/feedpub-ledger.toml" "$site"/.feedpub*
log=$work/moto.log
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m moto.server -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
moto=$!
trap 'kill $moto' EXIT
for _ in $(seq 600); do
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/moto-api/')" 2>/dev/null && break
  sleep 0.5
done
python3 -c "import urllib.request; urllib.request.urlopen(urllib.request.Request('http://127.0.0.1:$port/bench', method='PUT'))"
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret AWS_REGION=us-east-1 \
  AWS_ENDPOINT_URL=http://127.0.0.1:$port AWS_ALLOW_HTTP=true

requests() { grep -c '] "' "$log" || true; }

run() { # run NAME: one build, one line of results
  local before t0 t1
  before=$(requests)
  t0=$(date +%s%N)
  (cd "$site" && "$FEEDPUB" build --now "$now" --format json --out feeds --out s3://bench/feeds/ >"$work/$1.json") ||
    die "the $1 run failed"
  t1=$(date +%s%N)
  sleep 1 # moto logs a request just after answering it
  python3 - "$1" $(((t1 - t0) / 1000000)) "$log" "$before" "$work/$1.json" <<'PY'
import json, sys
name, wall, log, before, report = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5]
build = json.load(open(report))
upload = build["upload"]
lines = [l.split('] "', 1)[1] for l in open(log) if '] "' in l][before:]
methods = {}
for line in lines:
    method = line.split(" ", 1)[0]
    methods[method] = methods.get(method, 0) + 1
by_method = " + ".join(f"{n} {m}" for m, n in sorted(methods.items())) or "none"
print(f"| {name} | {len(upload['uploaded'])} | {upload['uploaded_bytes']:,} | {len(lines)} ({by_method}) "
      f"| {upload['elapsed_ms'] / 1000:.1f} s | {wall / 1000:.1f} s |")
PY
}

echo "| run | objects uploaded | bytes uploaded | requests to the store | upload stage | whole run |"
echo "|---|---|---|---|---|---|"
run full
sleep 3
run noop
run noop-again
# The article on top of the site feed: its link's last segment is its file name or slug.
article=$(python3 - "$site/feeds/rss.xml" "$site/content" <<'PY'
import pathlib, re, sys, urllib.parse
feed = pathlib.Path(sys.argv[1]).read_text(encoding="utf-8")
link = re.search(r"<link>([^<]*)</link>", feed.split("<item>", 1)[1]).group(1)
parts = urllib.parse.urlsplit(link).path.strip("/").split("/")
folder, slug = pathlib.Path(sys.argv[2], *parts[:-1]), parts[-1]
if (folder / (slug + ".md")).is_file():
    sys.exit(print(folder / (slug + ".md")))
pattern = re.compile(r"^slug\s*[:=]\s*[\"']?%s[\"']?\s*$" % re.escape(slug), re.M)
for path in sorted(folder.glob("*.md")):
    if pattern.search(path.read_text(encoding="utf-8")):
        sys.exit(print(path))
sys.exit("no file for " + link)
PY
) || die "could not find the article on top of the site feed"
printf '\nThis sentence was added by the object-store benchmark.\n' >>"$article"
run edit
sleep 3
rm -f "$site/.feedpub-remote"
run noop-nostate
