# The foreign corpus (included by tests/CMakeLists.txt): BPF programs in the
# shapes other projects write (progs/foreign_*.bpf.c, CO-RE against a
# vmlinux.h generated here), built by every compiler variant, then
#  - test_foreign.<variant>: loaded through libbpf_arena on the installed
#    libbpf and checked value by value;
#  - foreign_compare: each variant's corpus run through libbpf_arena on the
#    installed libbpf and through plain libbpf 1.5 (the newer_libbpf build),
#    whose outcomes must be the same (foreign_compare.sh).
#  - the allocator library and its user, linked into one object with
#    `bpf-arena gen object` and run through its skeleton.

set(foreign_inc ${CMAKE_CURRENT_BINARY_DIR}/foreign_include)
# bpf_arena_vmlinux_h() writes into an existing directory only
file(MAKE_DIRECTORY ${foreign_inc})
bpf_arena_vmlinux_h(foreign_vmlinux OUTPUT ${foreign_inc}/vmlinux.h)

set(BPF_ARENA_FOREIGN_PROGS foreign_core foreign_trace foreign_kfunc foreign_subprog
	foreign_net foreign_atomics foreign_refused)
# loads through libbpf_arena only: upstream libbpf doesn't bind it
set(BPF_ARENA_FOREIGN_ONLY_ARENA foreign_ptr_only)
set(BPF_ARENA_FOREIGN_LINKED foreign_alloc_lib foreign_alloc_user)

set(BPF_ARENA_TEST_PROG_INCLUDES ${foreign_inc})
bpf_arena_test_progs(${BPF_ARENA_FOREIGN_PROGS} ${BPF_ARENA_FOREIGN_ONLY_ARENA}
	${BPF_ARENA_FOREIGN_LINKED})
unset(BPF_ARENA_TEST_PROG_INCLUDES)
foreach(variant ${BPF_ARENA_TEST_VARIANTS})
	foreach(prog ${BPF_ARENA_FOREIGN_PROGS} ${BPF_ARENA_FOREIGN_ONLY_ARENA}
			${BPF_ARENA_FOREIGN_LINKED})
		add_dependencies(prog_${variant}_${prog} foreign_vmlinux)
	endforeach()
endforeach()

bpf_arena_add_test(test_foreign
	SOURCES test_foreign.c foreign_run.c test_helpers.c
	PROGS ${BPF_ARENA_FOREIGN_PROGS} ${BPF_ARENA_FOREIGN_ONLY_ARENA})

add_executable(foreign_runner foreign_runner.c foreign_run.c)
target_include_directories(foreign_runner PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(foreign_runner PRIVATE bpf_arena)
foreach(variant ${BPF_ARENA_TEST_VARIANTS})
	foreach(prog ${BPF_ARENA_FOREIGN_PROGS})
		add_dependencies(foreign_runner prog_${variant}_${prog})
	endforeach()
endforeach()

string(REPLACE ";" " " foreign_variants "${BPF_ARENA_TEST_VARIANTS}")
add_test(NAME foreign_compare
	COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/foreign_compare.sh
		$<TARGET_FILE:foreign_runner> ${CMAKE_CURRENT_BINARY_DIR}/progs
		${CMAKE_BINARY_DIR}/cache/libbpf-1.5/obj
		"${foreign_variants}" ${BPF_ARENA_FOREIGN_PROGS})
set_tests_properties(foreign_compare PROPERTIES TIMEOUT 300 SKIP_RETURN_CODE 77
	LABELS no_sanitize DEPENDS newer_libbpf)
