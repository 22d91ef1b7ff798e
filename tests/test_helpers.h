/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* What every test needs: its BPF objects, the kernel it runs on, and counts
 * of what a process holds (fds, mappings) to prove nothing leaked.
 */
#ifndef __BPF_ARENA_TEST_HELPERS_H
#define __BPF_ARENA_TEST_HELPERS_H

#include <stdbool.h>
#include <stddef.h>
#include <bpf/libbpf.h>
#include <bpf_arena/bpf_arena.h>

/* Path of progs/<variant>/<name>.bpf.o for this run (BPF_ARENA_PROGS). */
const char *test_prog_path(const char *name);
/* "clang22", "clang19", "clang14": the compiler that built this run's objects. */
const char *test_variant(void);

/* Skip (or, with CI=true, fail) the current test unless we are root and the
 * kernel has arenas.
 */
void test_require_arena_kernel(void);

/* Mounts a BPF filesystem at /sys/fs/bpf unless one is there (tests that
 * pin; the machine may have none mounted).
 */
void test_ensure_bpffs(void);

/* The whole file, NUL-terminated (not counted in *len); the caller frees. */
char *test_read_file(const char *path, size_t *len);

/* Number of open fds and of mappings (lines of /proc/self/maps). */
int test_count_fds(void);
int test_count_maps(void);
/* Whether [addr, addr + len) overlaps any mapping of this process. */
bool test_range_mapped(unsigned long addr, unsigned long len);

/* Run a program once with BPF_PROG_TEST_RUN; returns its retval, or a
 * negative errno if the run itself failed.
 */
long test_run_prog(struct bpf_object *obj, const char *prog_name);

/* Collects libbpf (and libbpf_arena) messages so tests can check them. */
void test_capture_log_start(void);
const char *test_capture_log(void);
void test_capture_log_stop(void);

#endif
