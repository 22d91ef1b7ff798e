#!/usr/bin/env bash
# Build the libFuzzer harnesses (fuzz/), replay every input that ever
# crashed one (fuzz/regressions/<harness>/), then fuzz each harness for a
# fixed time. CI runs it for a short time; run it for hours on demand:
#
#   scripts/fuzz.sh [--time SECONDS] [--fork N] [--seed N] [--replay-only] [harness...]
#
# --seed fixes libFuzzer's seed (CI does, so that a run is repeatable and a
# new finding comes from a long run, not at random in CI). harness: open
# (bpf_arena__open_mem + accessors), load (open + load + close,
# with an fd/mapping leak check; needs root and an arena kernel), gen (the
# skeleton generator's reader and writer). Default: all three, 60 s each.
# The growing corpus stays in build-fuzz/corpus/<harness>/ between runs; a
# crash is written to build-fuzz/artifacts/ and the script fails: fix it,
# then add the input to fuzz/regressions/<harness>/ so CI replays it forever.
set -euo pipefail
cd "$(dirname "$0")/.."

time_s=60
fork=0
seed=0
replay_only=false
harnesses=()
while [ $# -gt 0 ]; do
	case "$1" in
	--time) time_s="$2"; shift 2 ;;
	--fork) fork="$2"; shift 2 ;;
	--seed) seed="$2"; shift 2 ;;
	--replay-only) replay_only=true; shift ;;
	open | load | gen) harnesses+=("$1"); shift ;;
	-h | --help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "fuzz.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
	esac
done
[ ${#harnesses[@]} -eq 0 ] && harnesses=(open load gen)

build=${BPF_ARENA_FUZZ_BUILD:-build-fuzz}
# libFuzzer ships with clang's runtime (libclang-rt-14-dev on Debian 12).
CC=clang-14 CXX=clang++-14 cmake -S . -B "$build" -DBPF_ARENA_FUZZ=ON -DBPF_ARENA_WERROR=ON \
	-DBPF_ARENA_TESTS=OFF -DBPF_ARENA_EXAMPLES=OFF -DBPF_ARENA_BENCH=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target fuzz_seeds \
	"${harnesses[@]/#/fuzz_}"

fail=0
for h in "${harnesses[@]}"; do
	bin="$build/fuzz/fuzz_$h"
	if [ "$h" = load ] && [ "$(id -u)" -ne 0 ]; then
		if [ "${CI:-}" = true ]; then
			echo "fuzz.sh: the load harness needs root" >&2
			fail=1
		else
			echo "fuzz.sh: skipping the load harness: it needs root"
		fi
		continue
	fi
	mkdir -p fuzz/regressions/"$h" # git keeps no empty directory
	regressions=(fuzz/regressions/"$h"/*)
	if [ -e "${regressions[0]}" ]; then
		echo "== fuzz_$h: replaying ${#regressions[@]} past crash(es)"
		if ! "$bin" "${regressions[@]}" >"$build/replay_$h.log" 2>&1; then
			echo "fuzz.sh: fuzz_$h crashes on a regression input again:" >&2
			tail -40 "$build/replay_$h.log" >&2
			fail=1
			continue
		fi
	fi
	$replay_only && continue
	corpus="$build/corpus/$h"
	mkdir -p "$corpus" "$build/artifacts"
	echo "== fuzz_$h: ${time_s} s"
	extra=()
	[ "$fork" -gt 0 ] && extra+=(-fork="$fork" -ignore_crashes=0)
	[ "$seed" -gt 0 ] && extra+=(-seed="$seed")
	# -close_fd_mask=2: the code under test prints its refusals to stderr;
	# libFuzzer and the sanitizers keep their own copy of it for reports.
	if ! "$bin" -max_total_time="$time_s" -timeout=25 -rss_limit_mb=4096 -close_fd_mask=2 \
		-print_final_stats=1 -artifact_prefix="$build/artifacts/$h-" "${extra[@]}" \
		"$corpus" "$build/fuzz/seeds" fuzz/regressions/"$h" >"$build/fuzz_$h.log" 2>&1; then
		echo "fuzz.sh: fuzz_$h found a crash:" >&2
		grep -E "ERROR|SUMMARY|runtime error|leak|Test unit written" "$build/fuzz_$h.log" >&2 || true
		tail -40 "$build/fuzz_$h.log" >&2
		fail=1
		continue
	fi
	grep -E "stat::number_of_executed_units|stat::new_units_added" "$build/fuzz_$h.log" |
		sed "s/^/fuzz_$h: /"
	grep -E "cov: [0-9]+" -o "$build/fuzz_$h.log" | tail -1 | sed "s/^/fuzz_$h: /"
done
if [ $fail -ne 0 ]; then
	echo "fuzz.sh: FAILED" >&2
	exit 1
fi
echo "fuzz.sh: no findings"
