#!/usr/bin/env bash
# Run every fuzz target for a bounded time: `fuzz/run.sh SECONDS [TARGET...]`
# (default 20 s each, every target). Needs cargo-fuzz (`cargo install
# cargo-fuzz`); libFuzzer needs nightly flags, which RUSTC_BOOTSTRAP=1 allows
# on the stable toolchain for these commands only (never for the product's
# build). The committed seeds in fuzz/corpus/TARGET are read, never written:
# new inputs go to $FUZZ_WORK (default fuzz/target/corpus/TARGET). A crash or
# a broken invariant leaves its input in fuzz/artifacts/TARGET/ and fails.
# FUZZ_SANITIZER=address turns AddressSanitizer on (slower; default none:
# the code under test is safe Rust).
set -euo pipefail

seconds=${1:-20}
shift || true
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(sed -n 's/^name = "\(.*\)"$/\1/p' Cargo.toml | grep -v '^feedpub-fuzz$')
fi
work=${FUZZ_WORK:-$here/target/corpus}
sanitizer=${FUZZ_SANITIZER:-none}

export RUSTC_BOOTSTRAP=1
cargo fuzz build --sanitizer "$sanitizer"
status=0
for target in "${targets[@]}"; do
    mkdir -p "$work/$target" "artifacts/$target"
    log="$work/$target.log"
    if cargo fuzz run --sanitizer "$sanitizer" "$target" "$work/$target" "corpus/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 -max_len=16384 \
        -print_final_stats=1 >"$log" 2>&1; then
        result=ok
    else
        result=FAILED
        status=1
    fi
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    echo "$target: $result, ${runs:-?} executions in ${seconds}s (log: $log)"
    if [ "$result" = FAILED ]; then
        grep -E 'panicked|ERROR|SUMMARY|Test unit written' "$log" | head -5 | sed 's/^/    /'
    fi
done
exit $status
