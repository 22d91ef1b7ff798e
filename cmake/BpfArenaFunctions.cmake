# CMake functions for projects that build BPF arena programs:
#
#   bpf_arena_find_clang(<var> [NATIVE])
#       Sets <var> to the clang that compiles BPF: the newest of clang-22 ..
#       clang-19 (native address spaces), else clang-18 .. clang-14 (arena
#       casts by inline asm). NATIVE accepts only 19+.
#   bpf_arena_add_bpf_object(<target> SOURCE <x.bpf.c> OUTPUT <x.bpf.o>
#       [CLANG <clang>] [INCLUDES <dir>...] [DEFINES <d>...] [DEPENDS <f>...])
#       Compiles one BPF C file into an object, as target <target>.
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

if(NOT DEFINED BPF_ARENA_INCLUDE_DIR)
	set(BPF_ARENA_INCLUDE_DIR ${CMAKE_CURRENT_LIST_DIR}/../include)
endif()

function(bpf_arena_find_clang var)
	cmake_parse_arguments(ARG "NATIVE" "" "" ${ARGN})
	set(names clang-22 clang-21 clang-20 clang-19)
	if(NOT ARG_NATIVE)
		list(APPEND names clang-18 clang-17 clang-16 clang-15 clang-14 clang)
	endif()
	find_program(_bpf_arena_clang NAMES ${names} NO_CACHE)
	if(NOT _bpf_arena_clang)
		message(FATAL_ERROR "bpf_arena: no clang for BPF found (tried ${names}); "
			"install clang-19 (apt-get install clang-19)")
	endif()
	set(${var} ${_bpf_arena_clang} PARENT_SCOPE)
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
	# <linux/bpf.h> includes <asm/types.h>, which Debian keeps in the
	# multiarch directory clang -target bpf doesn't search.
	if(CMAKE_LIBRARY_ARCHITECTURE AND EXISTS /usr/include/${CMAKE_LIBRARY_ARCHITECTURE}/asm)
		list(APPEND incs -I/usr/include/${CMAKE_LIBRARY_ARCHITECTURE})
	endif()
	# <linux/types.h> wants <asm/types.h>, which Debian keeps per architecture.
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
	add_custom_command(OUTPUT ${ARG_OUTPUT}
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
