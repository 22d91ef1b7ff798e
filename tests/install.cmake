# Installing and using it like any libbpf-family package (included by
# tests/CMakeLists.txt): BPF_ARENA_OPTS() from C++ with g++ and clang++, the
# man pages, the bash completion. (The moved-install test, test_skel_outside,
# is in skeleton.cmake; the Debian packages are scripts/test-packages.sh.)

# C++ compilers: g++, the default clang++ and the newest clang++ (19+ has
# the -Wmissing-designated-field-initializers LIBBPF_OPTS() trips).
find_program(BPF_ARENA_TEST_OPTS_GXX NAMES g++ REQUIRED)
find_program(BPF_ARENA_TEST_OPTS_CLANGXX NAMES clang++ clang++-14 REQUIRED)
find_program(BPF_ARENA_TEST_OPTS_CLANGXX_NEW NAMES clang++-22 clang++-21 clang++-20 clang++-19
	REQUIRED)
bpf_arena_test_progs(core_globals)
list(GET BPF_ARENA_TEST_VARIANTS 0 _opts_variant)
# Not under the sanitizers: the programs it compiles link the instrumented
# library without them, which ASan refuses.
add_test(NAME test_opts_cxx
	COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/test_opts_cxx.sh ${CMAKE_CURRENT_SOURCE_DIR}
		${PROJECT_SOURCE_DIR}/include $<TARGET_FILE_DIR:bpf_arena>
		${CMAKE_CURRENT_BINARY_DIR}/opts_cxx
		${CMAKE_CURRENT_BINARY_DIR}/progs/${_opts_variant}/core_globals.bpf.o
		${BPF_ARENA_TEST_OPTS_GXX} ${BPF_ARENA_TEST_OPTS_CLANGXX}
		${BPF_ARENA_TEST_OPTS_CLANGXX_NEW})
set_tests_properties(test_opts_cxx PROPERTIES TIMEOUT ${BPF_ARENA_TEST_TIMEOUT}
	LABELS no_sanitize)
add_custom_target(test_opts_cxx_deps ALL DEPENDS bpf_arena prog_${_opts_variant}_core_globals)

find_program(BPF_ARENA_BASH NAMES bash REQUIRED)
add_test(NAME test_man
	COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/test_man.sh ${PROJECT_SOURCE_DIR}/docs/man
		${PROJECT_SOURCE_DIR}/include $<TARGET_FILE:bpf-arena>
		${PROJECT_SOURCE_DIR}/lib/arena/libbpf_arena.map)
add_test(NAME test_completion
	COMMAND ${BPF_ARENA_BASH} ${CMAKE_CURRENT_SOURCE_DIR}/test_completion.sh
		${PROJECT_SOURCE_DIR}/completion/bpf-arena $<TARGET_FILE:bpf-arena>
		$<TARGET_FILE:pin_helper_${_opts_variant}>)
set_tests_properties(test_man test_completion PROPERTIES TIMEOUT 60)
