# bpf-arena inspect (gen/cmd_inspect.c) and the library under it
# (lib/arena/inspect*.c): a child process holds an arena, the test runs the
# real tool against it.

if(TARGET bpf-arena)
	set(inspect_tool $<TARGET_FILE:bpf-arena>)
else()
	message(WARNING "inspect tests: no bpf-arena tool target (gen/); its tests will fail")
	set(inspect_tool bpf-arena-not-built)
endif()

add_executable(inspect_child inspect_child.c)
target_include_directories(inspect_child PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(inspect_child PRIVATE bpf_arena)

bpf_arena_add_test(test_inspect
	SOURCES test_inspect.c test_helpers.c
	PROGS inspect_heap inspect_segv inspect_nouserconv)
target_compile_definitions(test_inspect PRIVATE
	BPF_ARENA_TOOL="${inspect_tool}"
	INSPECT_CHILD="$<TARGET_FILE:inspect_child>")
add_dependencies(test_inspect inspect_child)
if(TARGET bpf-arena)
	add_dependencies(test_inspect bpf-arena)
endif()

# The public header from C++.
bpf_arena_add_test(test_inspect_cxx SOURCES test_inspect_cxx.cpp NO_VARIANTS)
