# The foreign corpus (included by tests/CMakeLists.txt): BPF programs in the
# shapes other projects write (progs/foreign_*.bpf.c, CO-RE against a
# vmlinux.h generated here), built by every compiler variant, then
#  - test_foreign.<variant>: loaded through libbpf_arena on the installed
#    libbpf and checked value by value;
#  - foreign_compare: each variant's corpus run through libbpf_arena on the
#    installed libbpf and through plain libbpf 1.5 (the newer_libbpf build),
#    whose outcomes must be the same (foreign_compare.sh).
#  - test_foreign_link.<variant>: the allocator library and its user,
#    linked into one object (foreign_alloc) by bpftool and run through the
#    skeleton `bpf-arena gen skeleton` makes of it.

set(foreign_inc ${CMAKE_CURRENT_BINARY_DIR}/foreign_include)
bpf_arena_vmlinux_h(foreign_vmlinux OUTPUT ${foreign_inc}/vmlinux.h)

set(BPF_ARENA_FOREIGN_PROGS foreign_core foreign_trace foreign_kfunc foreign_subprog
	foreign_net foreign_atomics foreign_refused foreign_throw)
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
		"${foreign_variants}" ${BPF_ARENA_FOREIGN_PROGS} foreign_alloc)
set_tests_properties(foreign_compare PROPERTIES TIMEOUT 300 SKIP_RETURN_CODE 77
	LABELS no_sanitize DEPENDS newer_libbpf)

# Static linking: Debian's bpftool (7.1) links arena objects as they are
# (checked: the linked object loads through libbpf_arena on 1.1 and through
# plain libbpf 1.5, with the same results), so no linker of our own.
find_program(BPF_ARENA_BPFTOOL NAMES bpftool PATHS /usr/sbin /sbin REQUIRED)
foreach(variant ${BPF_ARENA_TEST_VARIANTS})
	set(dir ${CMAKE_CURRENT_BINARY_DIR}/progs/${variant})
	add_custom_command(OUTPUT ${dir}/foreign_alloc.bpf.o
		COMMAND ${BPF_ARENA_BPFTOOL} gen object ${dir}/foreign_alloc.bpf.o
			${dir}/foreign_alloc_lib.bpf.o ${dir}/foreign_alloc_user.bpf.o
		DEPENDS ${dir}/foreign_alloc_lib.bpf.o ${dir}/foreign_alloc_user.bpf.o
		COMMENT "BPF link foreign_alloc (${variant})"
		VERBATIM)
	add_custom_target(prog_${variant}_foreign_alloc ALL DEPENDS ${dir}/foreign_alloc.bpf.o)
	add_dependencies(prog_${variant}_foreign_alloc prog_${variant}_foreign_alloc_lib
		prog_${variant}_foreign_alloc_user)
	add_dependencies(foreign_runner prog_${variant}_foreign_alloc)
	add_dependencies(test_foreign prog_${variant}_foreign_alloc)

	set(skel_dir ${CMAKE_CURRENT_BINARY_DIR}/skel/${variant})
	bpf_arena_add_skeleton(skel_${variant}_foreign_alloc
		OBJECT ${dir}/foreign_alloc.bpf.o
		OUTPUT ${skel_dir}/foreign_alloc.skel.h
		NAME foreign_alloc
		DEPENDS prog_${variant}_foreign_alloc)
	add_executable(test_foreign_link_${variant} test_foreign_link.c test_helpers.c)
	target_include_directories(test_foreign_link_${variant} PRIVATE
		${CMAKE_CURRENT_SOURCE_DIR} ${skel_dir})
	target_link_libraries(test_foreign_link_${variant} PRIVATE bpf_arena ${CRITERION_LIB})
	add_dependencies(test_foreign_link_${variant} skel_${variant}_foreign_alloc)
	add_test(NAME test_foreign_link.${variant} COMMAND test_foreign_link_${variant} --jobs=1)
	set_tests_properties(test_foreign_link.${variant} PROPERTIES
		TIMEOUT ${BPF_ARENA_TEST_TIMEOUT} ENVIRONMENT "${BPF_ARENA_TEST_ENV}")
endforeach()
