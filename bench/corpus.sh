# Generated corpora for the scripts in bench/ (sourced, not run).
#
# Needs: $generator (the release gen_corpus binary) and a `die` function.
# A corpus is cached under a directory named by its size (c1k, c10k, c50k
# for multiples of 1000, else c<N>). It is complete once the generator has
# written its configs, which it does after every article, and ours once it
# has the marker written last (a corpus from another generator is made
# again).

corpus_id="feedpub gen_corpus, seed 42"

corpus_name() { # corpus_name N
  if (($1 % 1000 == 0)); then echo "c$(($1 / 1000))k"; else echo "c$1"; fi
}

corpus_ready() { # corpus_ready DIR
  [ -f "$1/feedpub.toml" ] && [ -d "$1/content" ] && [ "$(cat "$1/corpus-id" 2>/dev/null)" = "$corpus_id" ]
}

ensure_corpus() { # ensure_corpus N DIR
  local n=$1 dir=$2
  if corpus_ready "$dir"; then
    echo "corpus $dir: reused" >&2
    return
  fi
  echo "corpus $dir: generating $n articles..." >&2
  rm -rf "$dir.partial"
  "$generator" --articles "$n" --seed 42 --out "$dir.partial" || die "gen_corpus failed for N=$n"
  echo "$corpus_id" >"$dir.partial/corpus-id"
  rm -rf "$dir"
  mv "$dir.partial" "$dir"
}
