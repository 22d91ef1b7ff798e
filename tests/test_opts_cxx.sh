#!/bin/sh
# BPF_ARENA_OPTS() in C++: tests/opts_cxx.cpp built by every C++ compiler
# given (g++, clang++ ...) at -Wall -Wextra -Werror, each build run against
# OBJ; the other C++ tests compiled by each; BPF_ARENA_OPTS() in C. As a control, the README's old idiom (LIBBPF_OPTS in C++) must still
# fail under clang++ 19+ -Werror, or this test proves nothing.
#   test_opts_cxx.sh SRC_DIR BUILD_INCLUDE LIBDIR WORK OBJ CXX...
set -eu
src=$1 inc=$2 libdir=$3 work=$4 obj=$5
shift 5
mkdir -p "$work"
flags="-Wall -Wextra -Werror -Wmissing-field-initializers -I$inc"
libs="-L$libdir -Wl,-rpath,$libdir -lbpf_arena -lbpf"
status=0
# -Wmissing-designated-field-initializers: the warning users hit, clang 19+.
designated() {
	echo 'int main(){}' | "$1" -x c++ -Wmissing-designated-field-initializers -Werror \
		-fsyntax-only - 2>/dev/null
}
for cxx in "$@"; do
	name=$(basename "$cxx")
	extra=
	designated "$cxx" && extra=-Wmissing-designated-field-initializers
	for std in c++11 c++17 c++20; do
		out=$work/opts_cxx.$name.$std
		echo "== $name -std=$std $extra"
		"$cxx" -std=$std $flags $extra "$src/opts_cxx.cpp" -o "$out" $libs
		set +e
		"$out" "$obj"
		rc=$?
		set -e
		if [ $rc -eq 77 ] && [ "${CI:-}" != true ]; then
			echo "skipped run: not root"
		elif [ $rc -ne 0 ]; then
			status=1
		fi
	done
done

# The project's other C++ tests (built by the C++ compiler CMake picked)
# compile cleanly with every compiler given, too.
for cxx in "$@"; do
	for f in test_probe_cxx.cpp test_ds_cxx.cpp; do
		echo "== $(basename "$cxx") -fsyntax-only $f"
		"$cxx" -std=c++17 $flags -Wno-unused-parameter -I"$src" -I"$src/progs" \
			-fsyntax-only "$src/$f" || status=1
	done
done

# In C it is LIBBPF_OPTS(): the same fields, with and without any.
printf '%s\n' '#include <bpf_arena/bpf_arena.h>' '#include <bpf_arena/bpf_arena_probe.h>' \
	'int main(void) {' \
	'	BPF_ARENA_OPTS(bpf_arena_open_opts, o, .globals_layout = BPF_ARENA_GLOBALS_AT_ZERO,' \
	'		       .no_prog_bind = true);' \
	'	BPF_ARENA_OPTS(bpf_arena_probe_opts, p);' \
	'	return o.sz == sizeof(o) && o.no_prog_bind && p.sz == sizeof(p) && !p.no_cache ? 0 : 1;' \
	'}' >"$work/opts_c.c"
echo "== cc (C)"
cc -std=gnu11 $flags "$work/opts_c.c" -o "$work/opts_c" && "$work/opts_c" ||
	{ echo "BPF_ARENA_OPTS() fails in C" >&2; status=1; }

# The control: what BPF_ARENA_OPTS replaces.
controls=0
for cxx in "$@"; do
	designated "$cxx" || continue
	controls=$((controls + 1))
	printf '#include <bpf_arena/bpf_arena.h>\nint main(void) { LIBBPF_OPTS(bpf_arena_open_opts, o, .no_prog_bind = true); return o.no_prog_bind ? 0 : 1; }\n' \
		> "$work/control.cpp"
	if "$cxx" -Wall -Wextra -Werror -I"$inc" -fsyntax-only "$work/control.cpp" 2>"$work/control.log"; then
		echo "control: LIBBPF_OPTS compiled cleanly with $cxx; the test no longer shows anything" >&2
		status=1
	else
		echo "control: LIBBPF_OPTS refused by $cxx as expected: $(grep -m1 -o 'warning: .*' "$work/control.log" || head -1 "$work/control.log")"
	fi
done
if [ $controls -eq 0 ]; then
	echo "no compiler with -Wmissing-designated-field-initializers (clang++ 19+) given" >&2
	status=1
fi
exit $status
