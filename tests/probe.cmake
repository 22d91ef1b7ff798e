# Kernel feature probes (lib/arena/probe*.c), the bpf-arena probe command,
# kernel-patches/ and a real kernel without arenas (tests/qemu/).

if(TARGET bpf-arena)
	set(probe_tool $<TARGET_FILE:bpf-arena>)
else()
	message(WARNING "probe tests: no bpf-arena tool target (gen/); its tests will fail")
	set(probe_tool bpf-arena-not-built)
endif()
set(BPF_ARENA_PROBE_TEST_DEFS
	BPF_ARENA_KERNEL_PATCHES="${PROJECT_SOURCE_DIR}/kernel-patches"
	BPF_ARENA_TOOL="${probe_tool}")

bpf_arena_add_test(test_probe
	SOURCES test_probe.c test_probe_helpers.c test_helpers.c
	LIBS pthread
	NO_VARIANTS)
target_compile_definitions(test_probe PRIVATE ${BPF_ARENA_PROBE_TEST_DEFS})
if(TARGET bpf-arena)
	add_dependencies(test_probe bpf-arena)
endif()

# The public header from C++.
bpf_arena_add_test(test_probe_cxx SOURCES test_probe_cxx.cpp NO_VARIANTS)

# arena_probe_explain*() are internal: reach them through the static library.
bpf_arena_add_test(test_probe_explain
	SOURCES test_probe_explain.c test_probe_helpers.c test_helpers.c
	LIBS bpf_arena_static
	NO_VARIANTS)
target_compile_definitions(test_probe_explain PRIVATE ${BPF_ARENA_PROBE_TEST_DEFS})

# The check/apply script against git trees the test builds, and the running
# kernel through the tool.
add_test(NAME kernel_patches
	COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/test_kernel_patches.sh
		${PROJECT_SOURCE_DIR}/kernel-patches ${probe_tool})
set_tests_properties(kernel_patches PROPERTIES TIMEOUT 120 SKIP_RETURN_CODE 77)

# Debian's 6.1 kernel under qemu: the probe and the loader on a kernel
# without arenas.
if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/qemu/CMakeLists.txt)
	add_subdirectory(qemu)
endif()

# Arena atomics the JIT lacks, refused and explained; the header's instead.
bpf_arena_add_test(test_atomics
	SOURCES test_atomics.c test_helpers.c
	PROGS atomics_fetch)
