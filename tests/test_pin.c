// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Pinned arenas shared by separate processes: each writer and reader here is
 * pin_helper, forked and exec'd, so nothing is shared but the kernel's arena
 * and its pin. Every test pins under a directory of its own in /sys/fs/bpf
 * (mounted when it isn't) and removes it at the end.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf_arena/bpf_arena_common.h>
#include <bpf_arena/bpf_arena_view.h>
#include "test_helpers.h"
#include "pin_store.h"

#define BPFFS "/sys/fs/bpf"

static char root[256], pin[300], out_path[64], err_path[64];

static void setup(void)
{
	static int n;

	test_require_arena_kernel();
	test_ensure_bpffs();
	snprintf(root, sizeof(root), BPFFS "/libbpf_arena_test_pin_%s_%d_%d", test_variant(),
		 getpid(), n++);
	snprintf(pin, sizeof(pin), "%s/arena", root);
	cr_assert_eq(mkdir(root, 0700), 0, "mkdir %s: %s", root, strerror(errno));
	snprintf(out_path, sizeof(out_path), "/tmp/test_pin_%d.out", getpid());
	snprintf(err_path, sizeof(err_path), "/tmp/test_pin_%d.err", getpid());
}

/* Every pin a test makes lives in root. */
static void teardown(void)
{
	static const char *const suffixes[] = { "", ".watch", ".loop", ".a", ".b" };
	char path[96];
	size_t i;

	if (!root[0])
		return;
	unlink(pin);
	rmdir(root);
	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", out_path, suffixes[i]);
		unlink(path);
		snprintf(path, sizeof(path), "%s%s", err_path, suffixes[i]);
		unlink(path);
	}
	root[0] = '\0';
}

TestSuite(pin, .init = setup, .fini = teardown);

static const char *helper_path(void)
{
	static char path[512];

	snprintf(path, sizeof(path), PIN_HELPER_DIR "/pin_helper_%s", test_variant());
	return path;
}

/* Start pin_helper with @argv (NULL-terminated, after the program name),
 * its stdout and stderr into @out and @err.
 */
static pid_t spawn(const char *out, const char *err, const char **argv)
{
	const char *args[16] = { helper_path() };
	pid_t pid;
	int i;

	for (i = 0; argv[i] && i < 14; i++)
		args[i + 1] = argv[i];
	pid = fork();
	cr_assert_geq(pid, 0);
	if (!pid) {
		int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
			_exit(126);
		execv(args[0], (char *const *)args);
		_exit(127);
	}
	return pid;
}

/* Wait for @pid: its exit code, or 128 + the signal that killed it. */
static int reap(pid_t pid, const char *err)
{
	int status;

	cr_assert_eq(waitpid(pid, &status, 0), pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) && err) {
		char *text = test_read_file(err, NULL);

		cr_log_info("pin_helper %d exited %d: %s", pid, WEXITSTATUS(status),
			    text ? text : "");
		free(text);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

#define HELPER(...)                                               \
	({                                                        \
		const char *argv_[] = { __VA_ARGS__, NULL };      \
		reap(spawn(out_path, err_path, argv_), err_path); \
	})

#define HELPER_OK(...) cr_assert_eq(HELPER(__VA_ARGS__), 0, "pin_helper " #__VA_ARGS__)

static void append(int run)
{
	char n[16];

	snprintf(n, sizeof(n), "%d", run);
	HELPER_OK("append", root, n);
}

static void read_runs(int runs)
{
	char n[16];

	snprintf(n, sizeof(n), "%d", runs);
	HELPER_OK("read", pin, n);
	HELPER_OK("read-skel", pin, n);
}

/* The scenario: three runs of one skeleton, each appending a node
 * to a list whose head is an __arena global and checking every earlier
 * run's node is there; then readers without programs see all three.
 */
Test(pin, three_runs_share_one_list)
{
	char *text;

	append(1);
	cr_assert_eq(access(pin, F_OK), 0, "the first run pinned nothing at %s", pin);
	append(2);
	append(3);
	text = test_read_file(out_path, NULL);
	cr_assert(text && strstr(text, "list: 1 2 3\n"), "last run printed: %s", text);
	free(text);
	read_runs(3);
}

static struct pin_globals *open_reader(struct bpf_arena_view **r, bool read_only)
{
	LIBBPF_OPTS(bpf_arena_view_opts, opts, .read_only = read_only);
	struct pin_globals *g;
	size_t sz = 0;

	*r = bpf_arena_view__open_pinned(pin, &opts);
	cr_assert_not_null(*r, "reader on %s: %s", pin, strerror(errno));
	g = bpf_arena_view__find_global(*r, "g", &sz);
	cr_assert_not_null(g);
	cr_assert_eq(sz, sizeof(*g));
	return g;
}

/* Walks the table with plain pointers: how many elements, and whether each
 * key in [first, first + n) maps to ~key.
 */
static __u64 table_count(struct pin_globals *g)
{
	struct arena_htab_elem *e;
	__u64 cnt = 0;
	int b;

	arena_htab_for_each_unlocked(e, b, &g->htab)
		cnt++;
	return cnt;
}

static void check_keys(struct pin_globals *g, __u64 first, __u64 n)
{
	__u64 k, v;

	for (k = first; k < first + n; k++) {
		cr_assert_eq(pin_table_peek(&g->htab, k, &v), 0, "key %llu missing",
			     (unsigned long long)k);
		cr_assert_eq(v, ~k);
	}
}

/* A writer builds, exits; a reader walks the list and the table; the
 * writer restarts and goes on where it was; the reader sees that too.
 */
Test(pin, writer_restarts_where_it_was)
{
	struct bpf_arena_view *r;
	struct pin_globals *g;

	append(1);
	HELPER_OK("insert", root, "1000", "300");
	read_runs(1);
	g = open_reader(&r, true);
	cr_assert_eq(table_count(g), 301);
	check_keys(g, 1000, 300);
	bpf_arena_view__close(r);

	append(2); /* the heap, the list and the table are where run 1 left them */
	HELPER_OK("insert", root, "5000", "300");
	read_runs(2);
	g = open_reader(&r, true);
	cr_assert_eq(table_count(g), 602);
	check_keys(g, 1000, 300);
	check_keys(g, 5000, 300);
	cr_assert_eq(g->counter, 600);
	bpf_arena_view__close(r);
}

Test(pin, incompatible_object_is_refused)
{
	char *text;

	append(1);
	HELPER_OK("other", root);
	text = test_read_file(err_path, NULL);
	cr_assert(text && strstr(text, "is not compatible with this object"), "stderr: %s", text);
	cr_assert(strstr(text, "made by object 'pin_store'"), "stderr: %s", text);
	cr_assert(strstr(text, "globals size: "), "stderr: %s", text);
	free(text);
	read_runs(1); /* untouched */
	append(2);
}

/* A reader process holds the arena while a writer process appends. */
Test(pin, reader_sees_live_updates)
{
	const char *wargv[] = { "watch", pin, "30", NULL };
	const char *largv[] = { "writer-loop", root, "2", "30", NULL };
	char wout[80], werr[80], lout[80], lerr[80], *text = NULL;
	pid_t watcher, writer;
	int i;

	append(1);
	snprintf(wout, sizeof(wout), "%s.watch", out_path);
	snprintf(werr, sizeof(werr), "%s.watch", err_path);
	snprintf(lout, sizeof(lout), "%s.loop", out_path);
	snprintf(lerr, sizeof(lerr), "%s.loop", err_path);
	watcher = spawn(wout, werr, wargv);
	for (i = 0; i < 6000; i++) {
		text = access(wout, F_OK) ? NULL : test_read_file(wout, NULL);
		if (text && strstr(text, "ready"))
			break;
		free(text);
		text = NULL;
		usleep(10000);
	}
	cr_assert_not_null(text, "the watcher never got ready");
	free(text);
	writer = spawn(lout, lerr, largv);
	cr_assert_eq(reap(writer, lerr), 0);
	cr_assert_eq(reap(watcher, werr), 0);
	text = test_read_file(wout, NULL);
	cr_log_info("watcher: %s", text);
	free(text);
	unlink(wout);
	unlink(werr);
	unlink(lout);
	unlink(lerr);
	read_runs(30);
}

/* Two writer processes insert into one table at once. */
Test(pin, concurrent_writers_lose_nothing)
{
	const char *a[] = { "insert", root, "100000", "4000", NULL };
	const char *b[] = { "insert", root, "200000", "4000", NULL };
	char aout[80], aerr[80], bout[80], berr[80];
	struct bpf_arena_view *r;
	struct pin_globals *g;
	pid_t pa, pb;

	append(1);
	snprintf(aout, sizeof(aout), "%s.a", out_path);
	snprintf(aerr, sizeof(aerr), "%s.a", err_path);
	snprintf(bout, sizeof(bout), "%s.b", out_path);
	snprintf(berr, sizeof(berr), "%s.b", err_path);
	pa = spawn(aout, aerr, a);
	pb = spawn(bout, berr, b);
	cr_assert_eq(reap(pa, aerr), 0);
	cr_assert_eq(reap(pb, berr), 0);
	unlink(aout);
	unlink(aerr);
	unlink(bout);
	unlink(berr);

	g = open_reader(&r, true);
	cr_assert_eq(g->counter, 8000);
	cr_assert_eq(table_count(g), 8001);
	cr_assert_eq(g->htab.count, 8001);
	check_keys(g, 100000, 4000);
	check_keys(g, 200000, 4000);
	bpf_arena_view__close(r);
	read_runs(1);
}

static __u32 map_id_of_pin(void)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	int fd = bpf_obj_get(pin);

	cr_assert_geq(fd, 0);
	cr_assert_eq(bpf_obj_get_info_by_fd(fd, &info, &len), 0);
	close(fd);
	return info.id;
}

/* The pin path set after open, and an fd from the map id handed in with
 * bpf_map__reuse_fd(): each process reserved its own address at open, so
 * the arena's address is learnt at load. Then back to LIBBPF_PIN_BY_NAME.
 */
Test(pin, set_pin_path_and_reuse_fd)
{
	char id[16];

	HELPER_OK("append-path", pin, "1");
	HELPER_OK("append-path", pin, "2");
	snprintf(id, sizeof(id), "%u", map_id_of_pin());
	HELPER_OK("append-id", id, "3");
	append(4);
	read_runs(4);
}

/* Whether the kernel still lists map @id (enumerating every map id). */
static bool map_id_exists(__u32 id)
{
	__u32 next = 0;

	while (!bpf_map_get_next_id(next, &next))
		if (next == id)
			return true;
	return false;
}

/* The arena lives while pinned or held; a reader that crashes harms
 * nothing; after the last unpin and close it is gone.
 */
Test(pin, lifetime)
{
	struct bpf_arena_view *r;
	struct pin_globals *g;
	__u32 id;
	int i;

	append(1);
	id = map_id_of_pin();
	cr_assert_eq(HELPER("crash", pin), 128 + SIGABRT);
	read_runs(1);
	cr_assert(map_id_exists(id), "the pinned arena went away with nobody holding it");

	g = open_reader(&r, false);
	cr_assert_eq(unlink(pin), 0);
	cr_assert(map_id_exists(id), "unpinned while a reader holds it: gone too early");
	cr_assert_eq(g->runs, 1);
	g->counter = 42; /* still memory of a live arena */
	bpf_arena_view__close(r);
	/* freed after an RCU grace period: seconds under load (9 s seen in CI) */
	for (i = 0; i < 12000 && map_id_exists(id); i++)
		usleep(10000);
	cr_assert(!map_id_exists(id), "map id %u still exists 120 s after the last unpin and close",
		  id);
}

/* A pin path outside a BPF filesystem says so. */
Test(pin, not_a_bpf_filesystem)
{
	struct bpf_object *obj = bpf_arena__open_file(test_prog_path("pin_plain"), NULL);
	int err;

	cr_assert_not_null(obj);
	cr_assert_eq(bpf_map__set_pin_path(bpf_object__find_map_by_name(obj, "arena"),
					   "/tmp/libbpf_arena_test_pin_not_bpffs"),
		     0);
	test_capture_log_start();
	err = bpf_arena__load(obj);
	test_capture_log_stop();
	cr_assert_eq(err, -EINVAL);
	cr_assert(strstr(test_capture_log(), "/tmp is not a BPF filesystem"), "log: %s",
		  test_capture_log());
	bpf_arena__close(obj);
}

/* Something else at the arena's address: the reader names it. */
Test(pin, address_clash_is_named)
{
	struct bpf_arena_view *r;
	char addr[32];
	void *base;

	append(1);
	open_reader(&r, true);
	base = bpf_arena_view__base(r);
	bpf_arena_view__close(r);
	cr_assert_eq(mmap(base, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			  -1, 0),
		     base);
	test_capture_log_start();
	r = bpf_arena_view__open_pinned(pin, NULL);
	test_capture_log_stop();
	cr_assert_null(r);
	cr_assert_eq(errno, EEXIST);
	snprintf(addr, sizeof(addr), "0x%lx", (unsigned long)base);
	cr_assert(strstr(test_capture_log(), addr) && strstr(test_capture_log(), "in use by"),
		  "log: %s", test_capture_log());
	munmap(base, 4096);
}

/* A later process planned its globals for another address at open and
 * learns the arena's only at load (pin path set after open): its constants
 * are moved there. With references in subprograms, which libbpf 1.1 doesn't
 * show before load, it is refused with what to do instead.
 */
Test(pin, globals_moved_at_load)
{
	char *text;

	HELPER_OK("small", pin, test_prog_path("pin_small"), "1", "0");
	HELPER_OK("small", pin, test_prog_path("pin_small"), "2", "1");
	HELPER_OK("small", pin, test_prog_path("pin_small"), "3", "0");
	cr_assert_eq(unlink(pin), 0);

	HELPER_OK("append-path", pin, "1");
	cr_assert_eq(HELPER("moved-load", pin, test_prog_path("pin_plain")), 3);
	text = test_read_file(err_path, NULL);
	cr_assert(strstr(text, "are in subprograms libbpf doesn't show before load"), "stderr: %s",
		  text);
	cr_assert(strstr(text, "LIBBPF_PIN_BY_NAME"), "stderr: %s", text);
	free(text);
	HELPER_OK("append-path", pin, "2");
}

/* The reader API from an id and an fd, with the object for types, and
 * read-only for real.
 */
Test(pin, reader_by_id_fd_and_object)
{
	/* test_prog_path() returns a buffer of its own */
	char *store = strdup(test_prog_path("pin_store")),
	     *other = strdup(test_prog_path("pin_other"));
	LIBBPF_OPTS(bpf_arena_view_opts, opts, .object_path = store);
	LIBBPF_OPTS(bpf_arena_view_opts, wrong, .object_path = other);
	struct bpf_arena_view *r, *r2;
	struct pin_globals *g;
	size_t sz = 0;
	int fd, status;
	pid_t pid;

	append(1);
	r = bpf_arena_view__open_id(map_id_of_pin(), &opts);
	cr_assert_not_null(r, "%s", strerror(errno));
	cr_assert_not_null(bpf_arena_view__btf(r));
	g = bpf_arena_view__find_global(r, "g", &sz);
	cr_assert_eq(sz, sizeof(*g));
	cr_assert_eq(g->runs, 1);
	cr_assert_eq(bpf_arena_view__page_cnt(r), 1024);
	cr_assert_eq(bpf_arena_view__size(r), 1024 * 4096);
	cr_assert_eq((char *)g - (char *)bpf_arena_view__base(r),
		     (long)bpf_arena_view__globals_offset(r));
	cr_assert_str_eq(bpf_arena_view__object_name(r), "pin_store");
	cr_assert_null(bpf_arena_view__find_global(r, "nope", NULL));
	cr_assert_eq(errno, ENOENT);

	/* another reader in this process would map it a second time */
	fd = bpf_arena_view__fd(r);
	test_capture_log_start();
	r2 = bpf_arena_view__open_fd(fd, NULL);
	test_capture_log_stop();
	cr_assert_null(r2);
	cr_assert_eq(errno, EEXIST);
	fd = dup(fd);
	bpf_arena_view__close(r);

	r = bpf_arena_view__open_fd(fd, NULL);
	cr_assert_not_null(r);
	close(fd);
	g = bpf_arena_view__find_global(r, "g", NULL); /* from the header's table */
	cr_assert_not_null(g);
	cr_assert_eq(g->runs, 1);
	bpf_arena_view__close(r);

	test_capture_log_start();
	r = bpf_arena_view__open_pinned(pin, &wrong);
	test_capture_log_stop();
	cr_assert_null(r);
	cr_assert(strstr(test_capture_log(), "are not the arena's"), "log: %s", test_capture_log());
	free(store);
	free(other);

	/* read-only: a store kills the reader, and changes nothing */
	pid = fork();
	cr_assert_geq(pid, 0);
	if (!pid) {
		LIBBPF_OPTS(bpf_arena_view_opts, ro, .read_only = true);
		struct bpf_arena_view *rr = bpf_arena_view__open_pinned(pin, &ro);
		struct pin_globals *gg = rr ? bpf_arena_view__find_global(rr, "g", NULL) : NULL;

		if (!gg)
			_exit(1);
		signal(SIGSEGV, SIG_DFL);
		gg->runs = 99;
		_exit(2);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV, "status 0x%x", status);
	read_runs(1);
}

/* BPF_F_SEGV_ON_FAULT: page 0 and the globals' pages are allocated by BPF,
 * since a touch from user space would kill us; the header is readable by a
 * reader process, and a second load finds the globals as the first left
 * them.
 */
Test(pin, segv_on_fault_arena)
{
	struct bpf_object *obj;
	int *zero, status;
	pid_t pid;

	obj = bpf_arena__open_file(test_prog_path("core_segv"), NULL);
	cr_assert_not_null(obj);
	cr_assert_eq(bpf_map__set_pin_path(bpf_object__find_map_by_name(obj, "arena"), pin), 0);
	cr_assert_eq(bpf_arena__load(obj), 0, "%s", strerror(errno));
	cr_assert_eq(test_run_prog(obj, "touch"), 0);
	zero = bpf_arena__find_global(bpf_arena__from_object(obj), "segv_zero", NULL);
	cr_assert_eq(*zero, 4242);
	*zero = 77;
	bpf_arena__close(obj);

	pid = fork();
	cr_assert_geq(pid, 0);
	if (!pid) {
		struct bpf_arena_view *r = bpf_arena_view__open_pinned(pin, NULL);
		int *z = r ? bpf_arena_view__find_global(r, "segv_zero", NULL) : NULL;
		int *i = r ? bpf_arena_view__find_global(r, "segv_init", NULL) : NULL;

		_exit(z && i && *z == 77 && *i == 31337 ? 0 : 1);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "reader status 0x%x", status);

	obj = bpf_arena__open_file(test_prog_path("core_segv"), NULL);
	cr_assert_not_null(obj);
	cr_assert_eq(bpf_map__set_pin_path(bpf_object__find_map_by_name(obj, "arena"), pin), 0);
	cr_assert_eq(bpf_arena__load(obj), 0, "%s", strerror(errno));
	zero = bpf_arena__find_global(bpf_arena__from_object(obj), "segv_zero", NULL);
	cr_assert_eq(*zero, 77, "the second load re-initialised the globals");
	bpf_arena__close(obj);
}

/* Globals at offset 0 leave no room for the header: refused, saying why. */
Test(pin, globals_at_zero_is_refused)
{
	LIBBPF_OPTS(bpf_arena_open_opts, opts, .globals_layout = BPF_ARENA_GLOBALS_AT_ZERO);
	struct bpf_object *obj = bpf_arena__open_file(test_prog_path("pin_small"), &opts);

	cr_assert_not_null(obj);
	cr_assert_eq(bpf_map__set_pin_path(bpf_object__find_map_by_name(obj, "arena"), pin), 0);
	test_capture_log_start();
	cr_assert_eq(bpf_arena__load(obj), -EINVAL);
	test_capture_log_stop();
	cr_assert(strstr(test_capture_log(), "keeps its header in page 0"), "log: %s",
		  test_capture_log());
	cr_assert_neq(access(pin, F_OK), 0, "a refused load left a pin");
	bpf_arena__close(obj);
}

/* The pin's directory is made when missing, as libbpf does. */
Test(pin, pin_directory_is_made)
{
	struct bpf_object *obj = bpf_arena__open_file(test_prog_path("pin_small"), NULL);
	char dir[300], sub_pin[320];

	snprintf(dir, sizeof(dir), "%s/sub", root);
	snprintf(sub_pin, sizeof(sub_pin), "%s/arena", dir);
	cr_assert_not_null(obj);
	cr_assert_eq(bpf_map__set_pin_path(bpf_object__find_map_by_name(obj, "arena"), sub_pin), 0);
	cr_assert_eq(bpf_arena__load(obj), 0, "%s", strerror(errno));
	bpf_arena__close(obj);
	cr_assert_eq(unlink(sub_pin), 0, "no pin at %s", sub_pin);
	cr_assert_eq(rmdir(dir), 0);
}

/* An arena made without this library (plain bpf_map_create() with a
 * map_extra) and handed in with bpf_map__reuse_fd(): empty, it is set up
 * (globals, header) and works; one that holds data but no header is
 * refused, since where its globals are is unknown.
 */
Test(pin, foreign_arena_fd)
{
	LIBBPF_OPTS(bpf_map_create_opts, copts, .map_flags = BPF_ARENA_F_MMAPABLE,
		    .map_extra = 0x6f0000000000ULL);
	struct bpf_object *obj;
	__u64 *hits;
	char *p;
	int fd;

	fd = bpf_map_create(BPF_ARENA_MAP_TYPE, "foreign", 0, 0, 16, &copts);
	cr_assert_geq(fd, 0, "%s", strerror(errno));
	obj = bpf_arena__open_file(test_prog_path("pin_small"), NULL);
	cr_assert_not_null(obj);
	cr_assert_eq(bpf_map__reuse_fd(bpf_object__find_map_by_name(obj, "arena"), fd), 0);
	cr_assert_eq(bpf_arena__load(obj), 0, "%s", strerror(errno));
	cr_assert_eq(test_run_prog(obj, "hit"), 0);
	cr_assert_eq(test_run_prog(obj, "hit"), 0);
	hits = bpf_arena__find_global(bpf_arena__from_object(obj), "hits", NULL);
	cr_assert_eq((unsigned long)bpf_arena__base(bpf_arena__from_object(obj)),
		     0x6f0000000000ULL);
	cr_assert_eq(*hits, 2);
	bpf_arena__close(obj);
	close(fd);

	fd = bpf_map_create(BPF_ARENA_MAP_TYPE, "foreign", 0, 0, 16, &copts);
	cr_assert_geq(fd, 0);
	p = mmap((void *)0x6f0000000000ULL, 16 * 4096, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED_NOREPLACE, fd, 0);
	cr_assert_eq(p, (void *)0x6f0000000000ULL);
	p[100] = 1; /* somebody's data in page 0 */
	munmap(p, 16 * 4096);
	obj = bpf_arena__open_file(test_prog_path("pin_small"), NULL);
	cr_assert_eq(bpf_map__reuse_fd(bpf_object__find_map_by_name(obj, "arena"), fd), 0);
	test_capture_log_start();
	cr_assert_eq(bpf_arena__load(obj), -EINVAL);
	test_capture_log_stop();
	cr_assert(strstr(test_capture_log(), "holds data but no libbpf_arena header"), "log: %s",
		  test_capture_log());
	bpf_arena__close(obj);
	close(fd);
}

/* A store into page 0 (what a BPF store through a NULL arena pointer
 * does) damages the header: the next load and reader say so.
 */
Test(pin, damaged_header_is_reported)
{
	struct bpf_arena_view *r;
	char *text;

	append(1);
	open_reader(&r, false);
	((char *)bpf_arena_view__base(r))[40] ^= 0x5a;
	bpf_arena_view__close(r);
	cr_assert_neq(HELPER("append", root, "2"), 0);
	text = test_read_file(err_path, NULL);
	cr_assert(strstr(text, "its header (page 0) is damaged"), "stderr: %s", text);
	free(text);
	test_capture_log_start();
	r = bpf_arena_view__open_pinned(pin, NULL);
	test_capture_log_stop();
	cr_assert_not_null(r, "a reader still maps it");
	cr_assert_null(bpf_arena_view__globals(r, NULL));
	cr_assert(strstr(test_capture_log(), "is damaged"), "log: %s", test_capture_log());
	bpf_arena_view__close(r);
}
