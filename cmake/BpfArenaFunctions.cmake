# CMake functions for projects that build BPF arena programs:
#
#   bpf_arena_find_clang(<var> [NATIVE | LEGACY])
#       Sets <var> to the clang that compiles BPF: BPF_ARENA_CLANG when set,
#       else the newest of clang-22 .. clang-19 (native address spaces), else
#       clang-18 .. clang-14 (arena casts by inline asm). NATIVE accepts only
#       19+. LEGACY asks for a 14 .. 18 one (the inline-asm path, which
#       clang 19+ never takes): BPF_ARENA_CLANG_LEGACY when set, else the
#       newest of clang-18 .. clang-14.
#   bpf_arena_clang_major(<var> <clang>)
#       Sets <var> to the major version of <clang> (14, 19, 22, ...).
#   bpf_arena_add_bpf_object(<target> SOURCE <x.bpf.c> OUTPUT <x.bpf.o>
#       [CLANG <clang>] [INCLUDES <dir>...] [DEFINES <d>...] [DEPENDS <f>...])
#       Compiles one BPF C file into an object, as target <target>, with
#       the headers of the libbpf pkg-config found (LIBBPF_INCLUDE_DIRS).
#   bpf_arena_vmlinux_h(<target> OUTPUT <vmlinux.h> [BTF <file>])
#       Generates vmlinux.h from the running kernel's BTF (or <file>) with
#       bpftool, as target <target>.
#   bpf_arena_add_skeleton(<target> OBJECT <x.bpf.o> OUTPUT <x.skel.h>
#       [NAME <name>] [DEPENDS <target or file>...])
#       Generates the skeleton of a BPF object with `bpf-arena gen skeleton`,
#       as target <target>; NAME defaults to what the tool (and bpftool)
#       make of the file name: x.bpf.o gives x_bpf. Add the output's directory to your target's includes and
#       link it with BpfArena::bpf_arena.
#
# The include directory holding <bpf_arena/...> is BPF_ARENA_INCLUDE_DIR; the
# tool is BPF_ARENA_TOOL (the installed bpf-arena, set by find_package), or
# the bpf-arena target of the build that includes this file.
#
# Choosing the compiler (cache variables; set them with -D on the cmake
# command line, nothing here overwrites them):
#   BPF_ARENA_CLANG         the clang for BPF (any version from 14; 19+ for
#                           NATIVE), instead of the search above.
#   BPF_ARENA_CLANG_LEGACY  a clang 14 .. 18 for bpf_arena_find_clang(LEGACY)
#                           (this project's tests build every program with it
#                           too).
# A compiler of the wrong version for what is asked is a configure error.

if(NOT DEFINED BPF_ARENA_INCLUDE_DIR)
	set(BPF_ARENA_INCLUDE_DIR ${CMAKE_CURRENT_LIST_DIR}/../include)
endif()

# STRING, not FILEPATH: CMake would make a name given with -D ("clang-19")
# a path relative to the build directory.
set(BPF_ARENA_CLANG "" CACHE STRING
	"clang that compiles BPF arena programs, a path or a name on PATH (empty: the newest of clang-22 .. clang-14)")
set(BPF_ARENA_CLANG_LEGACY "" CACHE STRING
	"clang 14 .. 18 for BPF arena programs built the inline-asm way (empty: the newest found)")

function(bpf_arena_clang_major var clang)
	execute_process(COMMAND ${clang} -dumpversion
		OUTPUT_VARIABLE ver OUTPUT_STRIP_TRAILING_WHITESPACE
		RESULT_VARIABLE rc ERROR_QUIET)
	if(NOT rc EQUAL 0 OR NOT ver MATCHES "^([0-9]+)")
		message(FATAL_ERROR "bpf_arena: '${clang}' doesn't run as a clang (-dumpversion: ${rc})")
	endif()
	set(${var} ${CMAKE_MATCH_1} PARENT_SCOPE)
endfunction()

function(bpf_arena_find_clang var)
	cmake_parse_arguments(ARG "NATIVE;LEGACY" "" "" ${ARGN})
	set(native clang-22 clang-21 clang-20 clang-19)
	set(legacy clang-18 clang-17 clang-16 clang-15 clang-14)
	if(ARG_LEGACY)
		set(user BPF_ARENA_CLANG_LEGACY)
		set(names ${legacy})
		set(min 14)
		set(max 18)
	else()
		set(user BPF_ARENA_CLANG)
		set(names ${native})
		set(min 19)
		set(max 999)
		if(NOT ARG_NATIVE)
			list(APPEND names ${legacy} clang)
			set(min 14)
		endif()
	endif()
	if(${user})
		set(clang ${${user}})
		if(NOT IS_ABSOLUTE "${clang}")
			find_program(_bpf_arena_user_clang NAMES ${clang} NO_CACHE)
			if(NOT _bpf_arena_user_clang)
				message(FATAL_ERROR "bpf_arena: ${user}=${clang} is not a program on PATH")
			endif()
			set(clang ${_bpf_arena_user_clang})
		endif()
		set(from "${user}")
	else()
		find_program(_bpf_arena_clang NAMES ${names} NO_CACHE)
		if(NOT _bpf_arena_clang)
			message(FATAL_ERROR "bpf_arena: no clang for BPF found (tried ${names}); "
				"install clang-19 (apt-get install clang-19) or set ${user}")
		endif()
		set(clang ${_bpf_arena_clang})
		set(from "the search")
	endif()
	bpf_arena_clang_major(major ${clang})
	if(major LESS min OR major GREATER max)
		if(max GREATER 100)
			set(need "clang ${min} or later")
		else()
			set(need "clang ${min} .. ${max}")
		endif()
		message(FATAL_ERROR "bpf_arena: ${clang} (from ${from}) is clang ${major}; "
			"this needs ${need}")
	endif()
	set(${var} ${clang} PARENT_SCOPE)
endfunction()

function(bpf_arena_add_bpf_object target)
	cmake_parse_arguments(ARG "" "SOURCE;OUTPUT;CLANG" "INCLUDES;DEFINES;DEPENDS" ${ARGN})
	if(NOT ARG_SOURCE OR NOT ARG_OUTPUT)
		message(FATAL_ERROR "bpf_arena_add_bpf_object(${target}): SOURCE and OUTPUT are required")
	endif()
	if(NOT ARG_CLANG)
		bpf_arena_find_clang(ARG_CLANG)
	endif()
	get_filename_component(src ${ARG_SOURCE} ABSOLUTE)
	set(incs -I${BPF_ARENA_INCLUDE_DIR})
	# <bpf/bpf_helpers.h> & co. from the libbpf user space builds against
	# (pkg-config's, set by this project and by find_package(BpfArena)), so
	# both halves see one libbpf; empty when that is /usr/include.
	foreach(dir ${LIBBPF_INCLUDE_DIRS})
		list(APPEND incs -I${dir})
	endforeach()
	# <linux/bpf.h> and <linux/types.h> include <asm/types.h>, which Debian
	# keeps in the multiarch directory clang -target bpf doesn't search.
	if(CMAKE_LIBRARY_ARCHITECTURE AND EXISTS /usr/include/${CMAKE_LIBRARY_ARCHITECTURE}/asm)
		list(APPEND incs -I/usr/include/${CMAKE_LIBRARY_ARCHITECTURE})
	endif()
	foreach(dir ${ARG_INCLUDES})
		list(APPEND incs -I${dir})
	endforeach()
	set(defs)
	foreach(def ${ARG_DEFINES})
		list(APPEND defs -D${def})
	endforeach()
	get_filename_component(outdir ${ARG_OUTPUT} DIRECTORY)
	add_custom_command(OUTPUT ${ARG_OUTPUT}
		COMMAND ${CMAKE_COMMAND} -E make_directory ${outdir}
		COMMAND ${ARG_CLANG} -g -O2 -target bpf -D__TARGET_ARCH_x86
			-Wall -Werror -Wno-unused-function ${incs} ${defs}
			-MD -MF ${ARG_OUTPUT}.d -c ${src} -o ${ARG_OUTPUT}
		DEPENDS ${src} ${ARG_DEPENDS}
		DEPFILE ${ARG_OUTPUT}.d
		COMMENT "BPF ${target}: ${ARG_CLANG}"
		VERBATIM)
	add_custom_target(${target} ALL DEPENDS ${ARG_OUTPUT})
endfunction()

function(bpf_arena_vmlinux_h target)
	cmake_parse_arguments(ARG "" "OUTPUT;BTF" "" ${ARGN})
	if(NOT ARG_BTF)
		set(ARG_BTF /sys/kernel/btf/vmlinux)
	endif()
	find_program(BPF_ARENA_BPFTOOL NAMES bpftool PATHS /usr/sbin /sbin REQUIRED)
	if(NOT ARG_OUTPUT)
		message(FATAL_ERROR "bpf_arena_vmlinux_h(${target}): OUTPUT is required")
	endif()
	get_filename_component(outdir ${ARG_OUTPUT} DIRECTORY)
	add_custom_command(OUTPUT ${ARG_OUTPUT}
		COMMAND ${CMAKE_COMMAND} -E make_directory ${outdir}
		COMMAND sh -c "${BPF_ARENA_BPFTOOL} btf dump file ${ARG_BTF} format c > ${ARG_OUTPUT}.tmp && mv ${ARG_OUTPUT}.tmp ${ARG_OUTPUT}"
		COMMENT "vmlinux.h from ${ARG_BTF}"
		VERBATIM)
	add_custom_target(${target} DEPENDS ${ARG_OUTPUT})
endfunction()

function(bpf_arena_add_skeleton target)
	cmake_parse_arguments(ARG "" "OBJECT;OUTPUT;NAME" "DEPENDS" ${ARGN})
	if(NOT ARG_OBJECT OR NOT ARG_OUTPUT)
		message(FATAL_ERROR "bpf_arena_add_skeleton(${target}): OBJECT and OUTPUT are required")
	endif()
	if(NOT ARG_NAME)
		get_filename_component(ARG_NAME ${ARG_OBJECT} NAME)
		string(REGEX REPLACE "\\.o$" "" ARG_NAME ${ARG_NAME})
		string(MAKE_C_IDENTIFIER ${ARG_NAME} ARG_NAME)
	endif()
	if(TARGET bpf-arena)
		# in the project's own build: the tool it builds
		set(tool $<TARGET_FILE:bpf-arena>)
		set(tool_dep bpf-arena)
	elseif(BPF_ARENA_TOOL)
		set(tool ${BPF_ARENA_TOOL})
		set(tool_dep ${BPF_ARENA_TOOL})
	else()
		find_program(BPF_ARENA_TOOL bpf-arena REQUIRED)
		set(tool ${BPF_ARENA_TOOL})
		set(tool_dep ${BPF_ARENA_TOOL})
	endif()
	get_filename_component(obj ${ARG_OBJECT} ABSOLUTE)
	get_filename_component(outdir ${ARG_OUTPUT} DIRECTORY)
	# Through a temporary file, so that a failed run leaves no header that
	# a later build would take for a good one.
	add_custom_command(OUTPUT ${ARG_OUTPUT}
		COMMAND ${CMAKE_COMMAND} -E make_directory ${outdir}
		COMMAND sh -c "\"$0\" gen skeleton \"$1\" name \"$2\" > \"$3.tmp\" && mv \"$3.tmp\" \"$3\" || { rm -f \"$3.tmp\"; exit 1; }"
			${tool} ${obj} ${ARG_NAME} ${ARG_OUTPUT}
		DEPENDS ${obj} ${tool_dep} ${ARG_DEPENDS}
		COMMENT "Skeleton ${ARG_NAME}: ${ARG_OUTPUT}"
		VERBATIM)
	add_custom_target(${target} ALL DEPENDS ${ARG_OUTPUT})
	foreach(dep ${ARG_DEPENDS})
		if(TARGET ${dep})
			add_dependencies(${target} ${dep})
		endif()
	endforeach()
endfunction()
