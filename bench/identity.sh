#!/usr/bin/env bash
# Byte identity of two feedpub binaries at scale: the same steps on two
# copies of a generated corpus, feeds and ledger compared after each step.
#
#   bench/identity.sh BASE NEW [N]     N articles, default 50000
#
# BASE and NEW are feedpub executables, e.g. a release build of main and
# one of a branch (`cargo build --release` in each worktree, then copy
# target/release/feedpub aside). Steps: a full build; a body edit of the
# oldest article (in no feed at 50k) and of the newest; a new title for the
# newest; an article added; one deleted; one renamed; one made a draft. After
# each, `diff -r` of feeds/ (the lock file aside) and `cmp` of the ledgers.
# Exit status 1 at the first difference, which stays on disk to inspect.
#
# Environment: FEEDPUB_BENCH_CORPORA, FEEDPUB_BENCH_WORK and
# FEEDPUB_BENCH_NOW as for bench/compare.sh.
set -euo pipefail

die() {
  echo "identity.sh: error: $*" >&2
  exit 1
}

[ $# -ge 2 ] || die "usage: bench/identity.sh BASE NEW [N]"
base=$(realpath "$1") new=$(realpath "$2") n=${3:-50000}
[ -x "$base" ] || die "BASE '$1' is not an executable"
[ -x "$new" ] || die "NEW '$2' is not an executable"
[[ $n =~ ^[1-9][0-9]*$ ]] || die "article count '$n' is not a positive integer"

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
target_dir=${CARGO_TARGET_DIR:-$repo/target}
corpora=${FEEDPUB_BENCH_CORPORA:-$target_dir/bench-corpora}
work=${FEEDPUB_BENCH_WORK:-$target_dir/bench-work}
now=${FEEDPUB_BENCH_NOW:-2026-06-01T00:00:00Z}

echo "building gen_corpus (release)..." >&2
cargo build --release --quiet --manifest-path "$repo/Cargo.toml" --bin gen_corpus ||
  die "cargo build --release failed"
generator=$target_dir/release/gen_corpus
# shellcheck source=bench/corpus.sh
source "$repo/bench/corpus.sh"

mkdir -p "$corpora" "$work"
corpus=$corpora/$(corpus_name "$n")
ensure_corpus "$n" "$corpus"
a=$work/identity-base b=$work/identity-new
for site in "$a" "$b"; do
  rm -rf "$site"
  mkdir -p "$site"
  cp -a "$corpus/." "$site/"
done

build() { # build LABEL NOW: both binaries, same inputs
  local now=$2
  (cd "$a" && "$base" build --now "$now" -q) >"$work/identity-base.log" 2>&1 || echo "  base exit $?" >&2
  (cd "$b" && "$new" build --now "$now" -q) >"$work/identity-new.log" 2>&1 || echo "  new exit $?" >&2
  if ! diff -r -x .feedpub.lock "$a/feeds" "$b/feeds" >/dev/null; then
    echo "$1: feeds differ (diff -r -x .feedpub.lock $a/feeds $b/feeds)" >&2
    exit 1
  fi
  if ! cmp -s "$a/feedpub-ledger.toml" "$b/feedpub-ledger.toml"; then
    echo "$1: ledgers differ ($a/feedpub-ledger.toml, $b/feedpub-ledger.toml)" >&2
    exit 1
  fi
  echo "$1: identical ($(find "$a/feeds" -type f ! -name '.*' | wc -l) feed files, ledger $(wc -c <"$a/feedpub-ledger.toml") bytes)"
}
both() { # both COMMAND: run in each copy
  (cd "$a" && eval "$1")
  (cd "$b" && eval "$1")
}

build "full build" "$now"
sleep 2 # older than the 2 s in which a stat proves nothing, as under cron
articles=$(cd "$a" && find content -name '*.md' ! -name '_index.md' | LC_ALL=C sort)
oldest=$(head -1 <<<"$articles")
# The newest with YAML front matter, which the steps below edit with sed.
newest=$(cd "$a" && tail -50 <<<"$articles" | xargs grep -l -x -- '---' | tail -1)
drafted=$(cd "$a" && tail -50 <<<"$articles" | xargs grep -l -x -- '---' | tail -2 | head -1)
both "printf '\nAppended by identity.sh.\n' >> '$oldest'"
build "edit $oldest" "$now"
both "printf '\nAppended by identity.sh.\n' >> '$newest'"
build "edit $newest" "$now"
both "sed -i '0,/^title:/s/^title:.*/title: \"Retitled by identity.sh\"/' '$newest'"
build "retitle $newest" "$now"
added=content/2026/05/added-by-identity.md
both "mkdir -p content/2026/05 && printf -- '---\ntitle: Added by identity.sh\ndate: 2026-05-31T12:00:00Z\ncategories: [Economy]\ncountries: [Tajikistan]\n---\nA new article.\n' > $added"
build "add $added" "$now"
gone=$(sed -n 5p <<<"$articles")
both "rm '$gone'"
build "delete $gone" "$now"
moved=$(sed -n 9p <<<"$articles")
both "mv '$moved' '${moved%.md}-renamed.md'"
build "rename $moved" "$now"
both "sed -i '0,/^title:/s/^title:/draft: true\ntitle:/' '$drafted'"
build "draft $drafted" "$now"
echo "same bytes after every step"
