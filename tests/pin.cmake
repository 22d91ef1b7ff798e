# Pinned arenas shared by processes (included by tests/CMakeLists.txt).
# test_pin forks and execs pin_helper_<variant>, a program that loads or
# reads the pinned arena through the skeletons of this variant's objects,
# so every process in a test is a real, separate one.

set(BPF_ARENA_PIN_PROGS pin_store pin_plain pin_other)
bpf_arena_test_progs(pin_small)
bpf_arena_test_progs(${BPF_ARENA_PIN_PROGS})

foreach(variant ${BPF_ARENA_TEST_VARIANTS})
	set(pin_skel_dir ${CMAKE_CURRENT_BINARY_DIR}/pin_skel/${variant})
	set(pin_skels)
	foreach(prog ${BPF_ARENA_PIN_PROGS})
		bpf_arena_add_skeleton(pin_skel_${variant}_${prog}
			OBJECT ${CMAKE_CURRENT_BINARY_DIR}/progs/${variant}/${prog}.bpf.o
			OUTPUT ${pin_skel_dir}/${prog}.skel.h
			NAME ${prog}
			DEPENDS prog_${variant}_${prog})
		list(APPEND pin_skels pin_skel_${variant}_${prog})
	endforeach()
	add_executable(pin_helper_${variant} pin_helper.c)
	target_include_directories(pin_helper_${variant} PRIVATE
		${CMAKE_CURRENT_SOURCE_DIR}/progs ${pin_skel_dir})
	target_link_libraries(pin_helper_${variant} PRIVATE bpf_arena)
	add_dependencies(pin_helper_${variant} ${pin_skels})
endforeach()

bpf_arena_add_test(test_pin
	SOURCES test_pin.c test_helpers.c
	PROGS ${BPF_ARENA_PIN_PROGS} pin_small core_segv)
target_compile_definitions(test_pin PRIVATE PIN_HELPER_DIR="${CMAKE_CURRENT_BINARY_DIR}")
target_include_directories(test_pin PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/progs)
foreach(variant ${BPF_ARENA_TEST_VARIANTS})
	add_dependencies(test_pin pin_helper_${variant})
endforeach()
