/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Loading and running the foreign corpus (progs/foreign_*.bpf.c) two ways:
 * through libbpf_arena, or through plain libbpf as a program written for
 * upstream libbpf 1.4+ does it (bpf_object__open_file/load, the arena's
 * memory from bpf_map__initial_value()). Used by test_foreign.c (arena way,
 * with assertions) and foreign_runner.c (either way, printing what it saw
 * so two runs can be compared).
 */
#ifndef __FOREIGN_RUN_H
#define __FOREIGN_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <linux/types.h>
#include <bpf/libbpf.h>

enum foreign_via {
	FOREIGN_VIA_ARENA,
	FOREIGN_VIA_LIBBPF,
};

struct foreign_obj {
	enum foreign_via via;
	struct bpf_object *obj;
	struct bpf_map *arena;
	char *base; /* the arena's user address, after load */
	size_t size;
	char *globals; /* where the __arena globals live, after load */
	size_t globals_sz;
	void *image; /* libbpf way: the globals' image before load */
	char **logs; /* per program, in object order */
	size_t log_cnt;
	char refused[1024]; /* "prog 'x': <the verifier's reason>" when load failed */
};

struct bpf_arena_open_opts;
/* Open @path the given way (@opts: libbpf_arena's, may be NULL), with a
 * verifier log buffer per program.
 */
int foreign_open(struct foreign_obj *fo, const char *path, enum foreign_via via,
		 const struct bpf_arena_open_opts *opts);
/* Load; on a refusal 'refused' says which program and why, as the
 * verifier said it.
 */
int foreign_load(struct foreign_obj *fo);
void foreign_close(struct foreign_obj *fo);

/* An __arena global after load, by name; NULL if there is none. */
void *foreign_global(struct foreign_obj *fo, const char *name, size_t *size);
/* Fill every in_* global with its pattern (foreign_in_value()), in_pid with
 * our pid, and build the user list (struct foreign_node) in a free page.
 * Returns the list head's address.
 */
__u64 foreign_prepare_inputs(struct foreign_obj *fo);
__u64 foreign_in_value(size_t word);

/* Run @prog as its type wants: SEC("syscall") with struct foreign_args,
 * XDP and tc on the corpus packet, tracing programs attached while the
 * runner makes the syscalls foreign.h names. *@retval gets the return
 * value (0 for attached programs), @args (may be NULL) the context after
 * the run. Returns 0 or a negative errno.
 */
struct foreign_args;
int foreign_run_prog(struct foreign_obj *fo, struct bpf_program *prog, __u64 list_head, int *retval,
		     struct foreign_args *args);

/* Whether tracing programs can attach here: mounts tracefs when missing. */
void foreign_prepare_tracefs(void);

#endif
