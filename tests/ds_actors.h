/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* The concurrency tests' actors (test_ds_conc.c, test_ds_fhtab.c): threads
 * that each run rounds on one shared structure, BPF ones pinned one to a
 * CPU and running a SEC("syscall") round program, user-space ones running
 * the same rounds natively, for at least a few seconds and until every
 * actor has made the progress the test wants to check. Include after
 * ds_test_util.h.
 */
#ifndef __DS_ACTORS_H
#define __DS_ACTORS_H

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <unistd.h>

#define DS_ACTORS_MAX 8
#define DS_ACTORS_SECONDS 2
#define DS_ACTORS_ROUNDS_PER_RUN 64

struct ds_actor_thread {
	struct bpf_object *obj;
	void *g;
	const char *prog; /* a BPF actor's round program (ctx: struct ds_conc_ctx) */
	void (*user_run)(struct ds_actor_thread *t); /* a user actor's run of rounds */
	int actor;
	int cpu; /* -1: user space */
	long runs;
	int run_errors;
	int last_errno;
};

static atomic_bool ds_actors_stop;

static void *ds_bpf_actor(void *p)
{
	struct ds_actor_thread *t = (struct ds_actor_thread *)p;
	struct bpf_program *prog = bpf_object__find_program_by_name(t->obj, t->prog);
	struct ds_conc_ctx ctx = { .actor = (__u64)t->actor, .rounds = DS_ACTORS_ROUNDS_PER_RUN };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &ctx, .ctx_size_in = sizeof(ctx));
	cpu_set_t set;

	if (!prog) {
		t->run_errors++;
		t->last_errno = ENOENT;
		return NULL;
	}
	CPU_ZERO(&set);
	CPU_SET(t->cpu, &set);
	if (pthread_setaffinity_np(pthread_self(), sizeof(set), &set))
		t->run_errors++;
	while (!atomic_load(&ds_actors_stop)) {
		if (bpf_prog_test_run_opts(bpf_program__fd(prog), &opts) || opts.retval) {
			t->run_errors++;
			t->last_errno = errno;
			break;
		}
		t->runs++;
	}
	return NULL;
}

static void *ds_user_actor(void *p)
{
	struct ds_actor_thread *t = (struct ds_actor_thread *)p;

	while (!atomic_load(&ds_actors_stop)) {
		t->user_run(t);
		t->runs++;
	}
	return NULL;
}

/* Runs the @n actors of @t (those with a cpu >= 0 in BPF) for
 * DS_ACTORS_SECONDS, then on (up to 40 s more: a loaded machine may starve
 * an actor for a while) until @progressed says every actor got far enough.
 */
static inline void ds_actors_run(struct ds_actor_thread *t, int n, bool (*progressed)(void *g))
{
	pthread_t th[DS_ACTORS_MAX];
	int i;

	cr_assert_leq(n, DS_ACTORS_MAX);
	cr_assert_geq(sysconf(_SC_NPROCESSORS_ONLN), 2, "needs two CPUs");
	atomic_store(&ds_actors_stop, false);
	for (i = 0; i < n; i++)
		cr_assert_eq(pthread_create(&th[i], NULL,
					    t[i].cpu >= 0 ? ds_bpf_actor : ds_user_actor, &t[i]),
			     0);
	sleep(DS_ACTORS_SECONDS);
	for (i = 0; i < 400 && !progressed(t[0].g); i++)
		usleep(100000);
	atomic_store(&ds_actors_stop, true);
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
}

#endif /* __DS_ACTORS_H */
