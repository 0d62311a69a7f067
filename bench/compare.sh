#!/usr/bin/env bash
# Benchmark feedpub against Hugo on generated news corpora (issue 7).
#
#   bench/compare.sh [N ...]          default N: 1000 10000 50000 100000
#
# For each N it generates (or reuses) a corpus with the repository's own
# generator (src/bin/gen_corpus.rs, seed 42), copies it to a scratch
# directory, and measures with a warm page cache:
#   floor      `cat` of every Markdown file to /dev/null
#   full       feedpub build: no ledger, no .feedpub* state, empty feeds/
#   hugo       `hugo --quiet` into an empty public/ (RSS only, see hugo.toml)
#   stat       the no-op floor: one walk of content/ and one stat per file,
#              nothing opened (examples/floor.rs, same walk as feedpub's)
#   noop       feedpub build again, nothing changed (checks no file is
#              written and that feedpub says "nothing changed")
#   edit       one sentence appended to the article on top of the site feed,
#              then a build (checks that some feed was rewritten)
#   add        one new article, newer than all others, then a build with its
#              date as --now
#   delete     one of the added articles deleted again, then a build
# floor, full and hugo alternate run by run; stat and noop alternate; edit,
# add and delete follow.
# Each row gives medians over the runs: wall time, CPU time (user+sys),
# peak RSS (/usr/bin/time), feed files and bytes in the output, files written
# (from output mtimes), and wall time relative to Hugo's full build.
# The markdown table goes to stdout and to target/bench-results-<date>.md.
#
# Environment:
#   FEEDPUB_BENCH_RUNS      runs per scenario (default 5)
#   FEEDPUB_BENCH_CORPORA   corpus cache: c1k, c10k, c50k, ... (default target/bench-corpora)
#   FEEDPUB_BENCH_WORK      scratch copies of the corpora (default target/bench-work)
#   FEEDPUB_BENCH_NOW       the builds' --now (default 2026-06-01T00:00:00Z)
#   FEEDPUB_BENCH_ARCHIVE   RFC 5005 archives in feedpub's runs: a TOML value
#                           for `archive` (`true`, or a list of kinds such as
#                           '["site"]'), added to the copy's feedpub.toml;
#                           default: archives off, as the corpus has them
set -euo pipefail

die() {
  echo "compare.sh: error: $*" >&2
  exit 1
}

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
target_dir=${CARGO_TARGET_DIR:-$repo/target}
runs=${FEEDPUB_BENCH_RUNS:-5}
corpora=${FEEDPUB_BENCH_CORPORA:-$target_dir/bench-corpora}
work=${FEEDPUB_BENCH_WORK:-$target_dir/bench-work}
now=${FEEDPUB_BENCH_NOW:-2026-06-01T00:00:00Z}
archive=${FEEDPUB_BENCH_ARCHIVE:-}
if [ $# -gt 0 ]; then sizes=("$@"); else sizes=(1000 10000 50000 100000); fi

for n in "${sizes[@]}"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || die "article count '$n' is not a positive integer"
done
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "FEEDPUB_BENCH_RUNS='$runs' is not a positive integer"

# Outside tools: checked, never installed.
missing=0
need() { # need COMMAND HOW-TO-INSTALL
  if ! command -v "$1" >/dev/null 2>&1; then
    echo "compare.sh: missing '$1': $2" >&2
    missing=1
  fi
}
need hugo "sudo apt-get install hugo"
need python3 "sudo apt-get install python3"
need cargo "install a Rust toolchain (https://rustup.rs)"
[ -x /usr/bin/time ] || {
  echo "compare.sh: missing /usr/bin/time (GNU time): sudo apt-get install time" >&2
  missing=1
}
[ "$missing" = 0 ] || die "install the tools above, then run again"

echo "building feedpub, gen_corpus and the floor example (release)..." >&2
cargo build --release --quiet --manifest-path "$repo/Cargo.toml" --bin feedpub --bin gen_corpus --example floor ||
  die "cargo build --release failed"
feedpub=$target_dir/release/feedpub
generator=$target_dir/release/gen_corpus
floor=$target_dir/release/examples/floor
for exe in "$feedpub" "$generator" "$floor"; do
  [ -x "$exe" ] || die "no binary at $exe"
done

mkdir -p "$corpora" "$work"
corpora=$(cd "$corpora" && pwd)
work=$(cd "$work" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
samples=$tmp/samples.tsv # n scenario wall_us user_s sys_s rss_kb files bytes written
meta=$tmp/meta.tsv       # n key value

# shellcheck source=bench/corpus.sh
source "$repo/bench/corpus.sh"

# Output files (not dot files such as .feedpub.lock) with mtime and size.
snapshot() { # snapshot DIR > listing
  if [ -d "$1" ]; then
    find "$1" -type f ! -name '.*' -printf '%P %T@ %s\n' | LC_ALL=C sort
  fi
}

# Files added or rewritten between two snapshots.
changed() { LC_ALL=C comm -13 "$1" "$2" | wc -l; }

# feed files and bytes below DIR matching *.xml
output_size() {
  find "$1" -type f -name '*.xml' -printf '%s\n' | awk '{ n++; b += $1 } END { printf "%d\t%d", n, b }'
}

# measure N SCENARIO DIR COMMAND...: time one run; leaves stdout in $tmp/out.
measure() {
  local n=$1 scenario=$2 dir=$3
  shift 3
  local t0 t1 user sys rss
  t0=$(date +%s%N)
  if ! (cd "$dir" && /usr/bin/time -o "$tmp/time" -f '%U %S %M' "$@" >"$tmp/out" 2>"$tmp/err"); then
    cat "$tmp/err" >&2
    die "'$*' failed in $dir (N=$n, scenario $scenario)"
  fi
  t1=$(date +%s%N)
  read -r user sys rss <"$tmp/time"
  printf '%s\t%s\t%s\t%s\t%s\t%s' "$n" "$scenario" $(((t1 - t0) / 1000)) "$user" "$sys" "$rss" >>"$samples"
}

# finish_sample OUTPUT-DIR WRITTEN: complete the sample line measure started.
finish_sample() {
  printf '\t%s\t%s\n' "$(output_size "$1")" "$2" >>"$samples"
}

# The number of files feedpub says it wrote ("104 files: 3 written, ...").
feedpub_written() { sed -n 's/.* files: \([0-9]*\) written.*/\1/p' "$tmp/out"; }

check_written() { # check_written SCENARIO MEASURED
  local said
  said=$(feedpub_written)
  [ "$said" = "$2" ] || echo "compare.sh: warning: $1: feedpub reports $said files written, mtimes show $2" >&2
}

for n in "${sizes[@]}"; do
  name=$(corpus_name "$n")
  ensure_corpus "$n" "$corpora/$name"
  site=$work/$name
  echo "N=$n: fresh copy in $site" >&2
  rm -rf "$site"
  mkdir -p "$site"
  cp -a "$corpora/$name/content" "$corpora/$name/feedpub.toml" "$corpora/$name/hugo.toml" \
    "$corpora/$name/layouts" "$site/"
  if [ -n "$archive" ]; then
    printf '\narchive = %s\n' "$archive" >>"$site/feedpub.toml"
  fi
  printf '%s\tmarkdown_bytes\t%s\n' "$n" "$(find "$site/content" -name '*.md' -printf '%s\n' | awk '{ b += $1 } END { print b }')" >>"$meta"

  # Warm the page cache (untimed).
  find "$site/content" -name '*.md' -print0 | xargs -0 cat >/dev/null

  for ((i = 1; i <= runs; i++)); do
    echo "N=$n run $i/$runs: floor, feedpub full, hugo" >&2
    measure "$n" floor "$site" sh -c "find content -name '*.md' -print0 | xargs -0 cat >/dev/null"
    printf '\t0\t0\t0\n' >>"$samples"

    rm -rf "$site/feeds" "$site/feedpub-ledger.toml" "$site"/.feedpub*
    measure "$n" full "$site" "$feedpub" build --now "$now"
    cp "$tmp/out" "$tmp/full-summary-$n"
    finish_sample "$site/feeds" "$(snapshot "$site/feeds" | wc -l)"
    check_written full "$(snapshot "$site/feeds" | wc -l)"

    rm -rf "$site/public" "$site/resources" "$site/.hugo_build.lock"
    measure "$n" hugo "$site" hugo --quiet
    finish_sample "$site/public" "$(snapshot "$site/public" | wc -l)"
  done

  # Let every file's ctime age past the 2 s within which a stat proves
  # nothing (feedpub then hashes the file instead): as under cron, where the
  # last edit is minutes old. Then one untimed no-op settles the state.
  sleep 3
  (cd "$site" && "$feedpub" build --now "$now" >/dev/null)
  for ((i = 1; i <= runs; i++)); do
    echo "N=$n run $i/$runs: stat floor, feedpub no-op" >&2
    measure "$n" stat "$site" "$floor" content
    printf '\t0\t0\t0\n' >>"$samples"
    snapshot "$site/feeds" >"$tmp/before"
    measure "$n" noop "$site" "$feedpub" build --now "$now"
    snapshot "$site/feeds" >"$tmp/after"
    written=$(changed "$tmp/before" "$tmp/after")
    finish_sample "$site/feeds" "$written"
    check_written noop "$written"
    [ "$written" = 0 ] || echo "compare.sh: warning: the no-op rebuild wrote $written files" >&2
    grep -q 'nothing changed$' "$tmp/out" || echo "compare.sh: warning: the no-op rebuild did not take the no-op path: $(cat "$tmp/out")" >&2
  done

  # The article on top of the site feed (undated articles are stamped with
  # the build's now, so they, not the newest dated ones, lead the feed):
  # its link is /<folders>/<slug>/, the slug being the file name or `slug`.
  newest=$(python3 - "$site/feeds/rss.xml" "$site/content" <<'EOF'
import pathlib, re, sys, urllib.parse
feed = pathlib.Path(sys.argv[1]).read_text(encoding="utf-8")
if "<item>" not in feed:
    sys.exit("the site feed has no item")
link = re.search(r"<link>([^<]*)</link>", feed.split("<item>", 1)[1]).group(1)
parts = urllib.parse.urlsplit(link).path.strip("/").split("/")
folder = pathlib.Path(sys.argv[2], *parts[:-1])
slug = parts[-1]
if (folder / (slug + ".md")).is_file():
    print(folder / (slug + ".md"))
    sys.exit()
pattern = re.compile(r"^slug\s*[:=]\s*[\"']?%s[\"']?\s*$" % re.escape(slug), re.M)
for path in sorted(folder.glob("*.md")):
    if pattern.search(path.read_text(encoding="utf-8")):
        print(path)
        sys.exit()
sys.exit("no file for " + link)
EOF
  ) || die "could not find the article on top of $site/feeds/rss.xml"
  echo "N=$n: editing $newest, on top of the site feed" >&2

  for ((i = 1; i <= runs; i++)); do
    echo "N=$n run $i/$runs: feedpub one article edited" >&2
    printf '\nThis sentence was added by benchmark run %d.\n' "$i" >>"$newest"
    snapshot "$site/feeds" >"$tmp/before"
    measure "$n" edit "$site" "$feedpub" build --now "$now"
    snapshot "$site/feeds" >"$tmp/after"
    written=$(changed "$tmp/before" "$tmp/after")
    finish_sample "$site/feeds" "$written"
    check_written edit "$written"
    [ "$written" != 0 ] || echo "compare.sh: warning: editing $newest changed no feed" >&2
  done

  for ((i = 1; i <= runs; i++)); do
    echo "N=$n run $i/$runs: feedpub one article added" >&2
    # Nothing published is dated after the builds' now, so the new article
    # is dated a minute later each run and built with that instant as now.
    added_date=$(python3 -c 'import datetime as dt, sys; print((dt.datetime.fromisoformat(sys.argv[1].replace("Z", "+00:00")) + dt.timedelta(minutes=int(sys.argv[2]))).strftime("%Y-%m-%dT%H:%M:%SZ"))' "$now" "$i")
    cat >"$site/content/bench-added-$i.md" <<EOF
---
title: "Benchmark article $i"
date: $added_date
author: "Bench Runner"
categories: [Economy]
countries: [Tajikistan]
---

A new article added by run $i of the benchmark, dated after every other one,
so it lands at the top of the site feed and of two term feeds.
EOF
    snapshot "$site/feeds" >"$tmp/before"
    measure "$n" add "$site" "$feedpub" build --now "$added_date"
    snapshot "$site/feeds" >"$tmp/after"
    written=$(changed "$tmp/before" "$tmp/after")
    finish_sample "$site/feeds" "$written"
    check_written add "$written"
    # The site-wide, Economy and Tajikistan feeds in each format the site
    # publishes, index.html and feeds.opml (its dateModified moves).
    formats=$(find "$site/feeds" -maxdepth 1 \( -name rss.xml -o -name atom.xml -o -name feed.json \) | wc -l)
    expected=$((3 * formats + 2))
    # With archives on, the article also starts a new month's archive page
    # in each of those feeds and changes the next-archive link of the page
    # before it: no fixed expectation then.
    [ -n "$archive" ] || [ "$written" = "$expected" ] || echo "compare.sh: warning: adding an article rewrote $written files, not $expected (site, Economy, Tajikistan feeds in $formats formats, index.html, feeds.opml)" >&2
  done

  for ((i = 1; i <= runs; i++)); do
    echo "N=$n run $i/$runs: feedpub one article deleted" >&2
    rm "$site/content/bench-added-$i.md"
    snapshot "$site/feeds" >"$tmp/before"
    measure "$n" delete "$site" "$feedpub" build --now "$added_date"
    snapshot "$site/feeds" >"$tmp/after"
    written=$(changed "$tmp/before" "$tmp/after")
    finish_sample "$site/feeds" "$written"
    check_written delete "$written"
    [ "$written" != 0 ] || echo "compare.sh: warning: deleting an article changed no feed" >&2
  done
done

stamp=$(date +%Y-%m-%d-%H%M)
results=$target_dir/bench-results-$stamp.md
commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no 2>/dev/null)" ]; then commit="$commit (with local changes)"; fi

python3 - "$samples" "$meta" "$commit" "$runs" "$now" "$archive" >"$tmp/report.md" <<'EOF'
import statistics, sys
samples, meta, commit, runs, now, archive = sys.argv[1:]
rows = {}
for line in open(samples, encoding="utf-8"):
    n, scenario, wall, user, sys_, rss, files, size, written = line.rstrip("\n").split("\t")
    rows.setdefault((int(n), scenario), []).append(
        (int(wall) / 1e6, float(user) + float(sys_), int(rss) / 1024, int(files), int(size), int(written)))
md = {}
for line in open(meta, encoding="utf-8"):
    n, key, value = line.rstrip("\n").split("\t")
    md[(int(n), key)] = value
med = lambda xs: statistics.median(xs)
label = {
    "floor": "read floor: `cat` all Markdown",
    "stat": "no-op floor: walk + stat (examples/floor.rs)",
    "hugo": "Hugo: full build (RSS only)",
    "full": "feedpub: full build (RSS + Atom)",
    "noop": "feedpub: no-op rebuild",
    "edit": "feedpub: one article edited",
    "add": "feedpub: one article added",
    "delete": "feedpub: one article deleted",
}
def secs(s):
    return f"{s:.3f} s" if s < 10 else f"{s:.2f} s"
def mib(m):
    return f"{m / 1024:.2f} GiB" if m >= 1024 else f"{m:.0f} MiB"
archived = f"; feedpub with `archive = {archive}`" if archive else ""
print(f"feedpub {commit}; median of {runs} runs; warm page cache; builds run with --now {now}{archived}.")
print()
print("| N (Markdown MB) | run | wall | CPU (user+sys) | peak RSS | feed files | feed MB | files written | wall ÷ Hugo | wall ÷ no-op floor | µs per article |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for n in sorted({k[0] for k in rows}):
    hugo = rows.get((n, "hugo"))
    hugo_wall = med([r[0] for r in hugo]) if hugo else None
    mb = int(md.get((n, "markdown_bytes"), 0)) / 1e6
    stat = rows.get((n, "stat"))
    stat_wall = med([r[0] for r in stat]) if stat else None
    for scenario in ["floor", "hugo", "full", "stat", "noop", "edit", "add", "delete"]:
        rs = rows.get((n, scenario))
        if not rs:
            continue
        wall = med([r[0] for r in rs])
        ratio = f"{wall / hugo_wall:.2f}" if hugo_wall and scenario != "hugo" else ("1" if scenario == "hugo" else "")
        floor_ratio = f"{wall / stat_wall:.2f}" if stat_wall and scenario in ("stat", "noop", "edit", "add", "delete") else ""
        if scenario in ("floor", "stat"):
            files = size = written = "–"
        else:
            files = str(round(med([r[3] for r in rs])))
            size = f"{med([r[4] for r in rs]) / 1e6:.1f}"
            ws = sorted({r[5] for r in rs})
            written = "/".join(str(w) for w in ws)
        print(f"| {n:,} ({mb:.0f} MB) | {label[scenario]} | {secs(wall)} | {secs(med([r[1] for r in rs]))} "
              f"| {mib(med([r[2] for r in rs]))} | {files} | {size} | {written} | {ratio} | {floor_ratio} | {wall / n * 1e6:.0f} |")
EOF

{
  echo "# feedpub vs Hugo, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Machine: $(nproc) cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)," \
    "$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM;" \
    "$(sed -n 's/^PRETTY_NAME="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' /etc/os-release); $(rustc --version); $(hugo version | cut -d' ' -f1-2)."
  echo
  cat "$tmp/report.md"
  echo
  for n in "${sizes[@]}"; do
    echo "- N=$n, last full build: \`$(cat "$tmp/full-summary-$n")\`"
  done
} | tee "$results"
echo "saved to $results" >&2
