# The arena data structures (include/bpf_arena/arena_*.h): allocator, lock,
# list, hash table, queue, ordered map, bitmap.
bpf_arena_add_test(test_ds_alloc
	SOURCES test_ds_alloc.c test_helpers.c
	PROGS ds_alloc
	LIBS pthread)
bpf_arena_add_test(test_ds_containers
	SOURCES test_ds_containers.c test_helpers.c
	PROGS ds_containers)
bpf_arena_add_test(test_ds_maps
	SOURCES test_ds_maps.c test_helpers.c
	PROGS ds_htab ds_rbtree)
bpf_arena_add_test(test_ds_budget
	SOURCES test_ds_budget.c test_helpers.c
	PROGS ds_budget)
bpf_arena_add_test(test_ds_conc
	SOURCES test_ds_conc.c test_helpers.c
	PROGS ds_conc
	LIBS pthread)
# The flat hash table: model, boundary, budget, and readers against writers.
bpf_arena_add_test(test_ds_fhtab
	SOURCES test_ds_fhtab.c test_helpers.c
	PROGS ds_fhtab ds_fhtab_conc
	LIBS pthread)

# The headers as C++ (built and run over ordinary memory) and as plain C
# through gcc and clang, warnings as errors.
bpf_arena_add_test(test_ds_cxx
	SOURCES test_ds_cxx.cpp
	NO_VARIANTS)
find_program(BPF_ARENA_DS_HOST_CLANG NAMES clang clang-19 clang-14)
set(ds_check_out ${CMAKE_CURRENT_BINARY_DIR}/ds_headers_check)
set(ds_check_cmds
	COMMAND ${CMAKE_C_COMPILER} -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter
		-I${PROJECT_SOURCE_DIR}/include -c ${CMAKE_CURRENT_SOURCE_DIR}/ds_headers_check.c
		-o ${ds_check_out}.cc.o
	COMMAND ${CMAKE_C_COMPILER} -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror
		-Wno-unused-parameter -I${PROJECT_SOURCE_DIR}/include
		-c ${CMAKE_CURRENT_SOURCE_DIR}/ds_headers_check.c -o ${ds_check_out}.c11.o)
if(BPF_ARENA_DS_HOST_CLANG)
	list(APPEND ds_check_cmds
		COMMAND ${BPF_ARENA_DS_HOST_CLANG} -std=gnu11 -Wall -Wextra -Werror
			-Wno-unused-parameter -I${PROJECT_SOURCE_DIR}/include
			-c ${CMAKE_CURRENT_SOURCE_DIR}/ds_headers_check.c -o ${ds_check_out}.clang.o)
endif()
file(GLOB ds_headers ${PROJECT_SOURCE_DIR}/include/bpf_arena/arena_*.h)
add_custom_command(OUTPUT ${ds_check_out}.stamp
	${ds_check_cmds}
	COMMAND ${CMAKE_COMMAND} -E touch ${ds_check_out}.stamp
	DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/ds_headers_check.c ${ds_headers}
	COMMENT "arena data-structure headers as C (gcc, clang)"
	VERBATIM)
add_custom_target(ds_headers_check ALL DEPENDS ${ds_check_out}.stamp)

# What the headers' atomics compile to, on every compiler (disassembly).
find_program(BPF_ARENA_OBJDUMP NAMES llvm-objdump-22 llvm-objdump-19 llvm-objdump llvm-objdump-14)
if(BPF_ARENA_OBJDUMP)
	add_test(NAME ds_atomics_disasm
		COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/check_atomics.sh ${CMAKE_CURRENT_BINARY_DIR}/progs
			${BPF_ARENA_OBJDUMP} ${BPF_ARENA_TEST_VARIANTS})
	set_tests_properties(ds_atomics_disasm PROPERTIES LABELS no_sanitize)
elseif("$ENV{CI}" STREQUAL "true")
	message(FATAL_ERROR "tests: no llvm-objdump to check the headers' atomics (install llvm-19)")
endif()
