# What a distribution package of libbpf-arena holds besides the library and
# the tool: man pages, bash completion, and the Debian packages CPack builds
# from the install components:
#   runtime -> libbpf-arena0      libbpf_arena.so.0*
#   dev     -> libbpf-arena-dev   headers, libbpf_arena.so, .a, .pc, CMake package, man 3
#   tools   -> bpf-arena          the bpf-arena tool, man 8, bash completion
# and each its copyright, Debian changelog and lintian overrides (from
# packaging/debian/).
# `cpack -G DEB` in a build configured with -DCMAKE_INSTALL_PREFIX=/usr
# (scripts/test-packages.sh) writes the three .debs.

# Man pages, compressed as Debian wants them (gzip -n: no name or time, so
# the same page gives the same bytes); man reads them either way.
find_program(BPF_ARENA_GZIP gzip REQUIRED)
foreach(page bpf-arena.8:tools libbpf_arena.3:dev)
	string(REPLACE ":" ";" page ${page})
	list(GET page 0 name)
	list(GET page 1 component)
	string(REGEX MATCH "[0-9]$" section ${name})
	set(gz ${CMAKE_CURRENT_BINARY_DIR}/man/${name}.gz)
	add_custom_command(OUTPUT ${gz}
		COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/man
		COMMAND sh -c "\"$0\" -9n -c \"$1\" > \"$2\"" ${BPF_ARENA_GZIP}
			${PROJECT_SOURCE_DIR}/docs/man/${name} ${gz}
		DEPENDS ${PROJECT_SOURCE_DIR}/docs/man/${name}
		COMMENT "Man page ${name}"
		VERBATIM)
	list(APPEND _bpf_arena_man_pages ${gz})
	install(FILES ${gz} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section}
		COMPONENT ${component})
endforeach()
add_custom_target(bpf_arena_man ALL DEPENDS ${_bpf_arena_man_pages})

# Bash completion goes where bash-completion looks (its .pc's completionsdir,
# taken relative to our prefix, so that `cmake --install --prefix` and a
# moved tree keep it inside the prefix); the usual place when it isn't
# installed.
if(NOT DEFINED BPF_ARENA_BASH_COMPLETION_DIR)
	set(_dir ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
	find_program(_bpf_arena_pkg_config NAMES pkg-config NO_CACHE)
	if(_bpf_arena_pkg_config)
		execute_process(COMMAND ${_bpf_arena_pkg_config}
				--define-variable=prefix=${CMAKE_INSTALL_PREFIX}
				--variable=completionsdir bash-completion
			OUTPUT_VARIABLE _pc_dir OUTPUT_STRIP_TRAILING_WHITESPACE
			RESULT_VARIABLE _pc_rc ERROR_QUIET)
		if(_pc_rc EQUAL 0 AND _pc_dir MATCHES "^${CMAKE_INSTALL_PREFIX}/(.+)$")
			set(_dir ${CMAKE_MATCH_1})
		endif()
	endif()
	set(BPF_ARENA_BASH_COMPLETION_DIR ${_dir} CACHE STRING
		"Where bash completion scripts go, relative to the install prefix")
endif()
install(FILES ${PROJECT_SOURCE_DIR}/completion/bpf-arena
	DESTINATION ${BPF_ARENA_BASH_COMPLETION_DIR} COMPONENT tools)

# Debian packages.
set(BPF_ARENA_DEB_RELEASE 1 CACHE STRING "Debian revision of the packages")
# Whoever builds packages to hand out names themselves here; the default is
# the project list, at a domain reserved for examples (RFC 2606), so that no
# real person is named by accident.
set(_maintainer "libbpf-arena developers <libbpf-arena@lists.example.org>")
# (Build trees configured before keep the old default, which lintian
# rejects: root@localhost.)
if(BPF_ARENA_PACKAGE_MAINTAINER STREQUAL "libbpf-arena maintainers <root@localhost>")
	unset(BPF_ARENA_PACKAGE_MAINTAINER CACHE)
endif()
set(BPF_ARENA_PACKAGE_MAINTAINER ${_maintainer}
	CACHE STRING "Maintainer field and changelog signature of the Debian packages")
set(_deb_source libbpf-arena)
set(_deb_version ${PROJECT_VERSION}-${BPF_ARENA_DEB_RELEASE})

# What Debian policy wants in /usr/share/doc/<package> of every package: the
# copyright file (DEP-5) and a Debian changelog, gzip -9n. The changelog is
# one entry for this version, dated now (or SOURCE_DATE_EPOCH, which
# string(TIMESTAMP) honours). Each package also says why lintian's
# initial-upload-closes-no-bugs does not apply to it. EXCLUDE_FROM_ALL: only
# the packages (CPack installs component by component) get these files, not
# `cmake --install`.
string(TIMESTAMP _deb_date "%a, %d %b %Y %H:%M:%S +0000" UTC)
set(_deb_dir ${CMAKE_CURRENT_BINARY_DIR}/debian)
configure_file(${PROJECT_SOURCE_DIR}/packaging/debian/changelog.in ${_deb_dir}/changelog @ONLY)
add_custom_command(OUTPUT ${_deb_dir}/changelog.Debian.gz
	COMMAND sh -c "\"$0\" -9n -c \"$1\" > \"$2\"" ${BPF_ARENA_GZIP}
		${_deb_dir}/changelog ${_deb_dir}/changelog.Debian.gz
	DEPENDS ${_deb_dir}/changelog
	COMMENT "Debian changelog"
	VERBATIM)
add_custom_target(bpf_arena_deb_changelog ALL DEPENDS ${_deb_dir}/changelog.Debian.gz)
foreach(c runtime:libbpf-arena0 dev:libbpf-arena-dev tools:bpf-arena)
	string(REPLACE ":" ";" c ${c})
	list(GET c 0 component)
	list(GET c 1 package)
	install(FILES ${PROJECT_SOURCE_DIR}/packaging/debian/copyright
		${_deb_dir}/changelog.Debian.gz
		DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${package}
		COMPONENT ${component} EXCLUDE_FROM_ALL)
	configure_file(${PROJECT_SOURCE_DIR}/packaging/debian/lintian-overrides.in
		${_deb_dir}/lintian-overrides/${package} @ONLY)
	install(FILES ${_deb_dir}/lintian-overrides/${package}
		DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides
		COMPONENT ${component} EXCLUDE_FROM_ALL)
endforeach()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME ${_deb_source})
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_COMPONENTS_ALL runtime dev tools)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE ${BPF_ARENA_DEB_RELEASE})
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${BPF_ARENA_PACKAGE_MAINTAINER})
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The source package all three come from (the changelog is its).
set(CPACK_DEBIAN_PACKAGE_SOURCE ${_deb_source})
# Stripped, as Debian ships binaries; only executables and shared libraries
# are (CMake leaves static libraries alone), so the -dev package's
# libbpf_arena.a keeps its symbols and debug information.
set(CPACK_STRIP_FILES ON)
# Run-time dependencies from what the binaries link (dpkg-shlibdeps):
# libbpf1, libelf1, zlib1g, libc6 with the versions this build needs.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# (zlib1g comes through libelf1: nothing of ours links zlib directly.)

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME libbpf-arena0)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION libs)
# The oldest libbpf the library is built and tested on (Debian 12's);
# dpkg-shlibdeps alone would allow 0.8.
set(CPACK_DEBIAN_RUNTIME_PACKAGE_DEPENDS "libbpf1 (>= 1:1.1.0)")
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION "BPF arena objects on the installed libbpf (shared library)
libbpf_arena opens, loads and closes BPF objects that use BPF arenas on
libbpf versions that cannot (libbpf 1.1 of Debian 12), and shares the
arena's pointers between BPF and user space.")
# A shlibs file, so that packages built against it depend on it
# ("libbpf_arena 0 libbpf-arena0 (>= <version>)"). CMake 3.25 reads only the
# global variable (the runtime package is the only one with a shared object).
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
# ldconfig runs from dpkg's trigger (Debian policy 8.1.1), not from
# maintainer scripts. CMake < 4.4 writes a postinst and postrm calling
# ldconfig for a shared library in /usr/lib unless the extra control files
# name a postinst and a postrm: ours name ones that don't exist, which CPack
# then leaves out (it warns "missing file" for each). CMake 4.4 writes the
# trigger itself, and leaves it to ours.
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA ${PROJECT_SOURCE_DIR}/packaging/debian/triggers)
if(CMAKE_VERSION VERSION_LESS 4.4)
	list(APPEND CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA
		${_deb_dir}/no-maintainer-scripts/postinst
		${_deb_dir}/no-maintainer-scripts/postrm)
endif()
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_DEBIAN_DEV_PACKAGE_NAME libbpf-arena-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION libdevel)
# The CMake package names the bpf-arena tool (bpf_arena_add_skeleton()),
# so the development package needs it too.
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
	"libbpf-arena0 (= ${_deb_version}), bpf-arena (= ${_deb_version}), libbpf-dev, libelf-dev, zlib1g-dev, pkg-config")
set(CPACK_DEBIAN_DEV_PACKAGE_SUGGESTS "clang-19, cmake")
set(CPACK_DEBIAN_DEV_DESCRIPTION "BPF arena objects on the installed libbpf (development files)
Headers (the library's API and the arena data structures for BPF and user
space), the static library, pkg-config file libbpf_arena and the CMake
package BpfArena with functions that build BPF objects and skeletons.")

set(CPACK_DEBIAN_TOOLS_PACKAGE_NAME bpf-arena)
set(CPACK_DEBIAN_TOOLS_PACKAGE_SECTION devel)
# It carries the library's code (linked in): the same oldest libbpf.
set(CPACK_DEBIAN_TOOLS_PACKAGE_DEPENDS "libbpf1 (>= 1:1.1.0)")
set(CPACK_DEBIAN_TOOLS_DESCRIPTION "command-line tool of libbpf-arena
bpf-arena generates skeletons of BPF objects with arenas (as bpftool gen
skeleton does, with the __arena globals typed) and probes which parts of
BPF arena support the running kernel has.")

include(CPack)
