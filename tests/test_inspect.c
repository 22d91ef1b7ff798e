// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * bpf-arena inspect against a live process: a child (inspect_child) loads
 * progs/<variant>/inspect_heap.bpf.o, fills its globals and heap and waits;
 * the test runs the real tool and checks list, show and dump, plain and
 * JSON, against what the child wrote. Then the point of the design: the
 * arena is exactly as it was after inspecting (the kernel's count of its
 * free pages, the pages present in the owner's mapping, the owner's Rss of
 * it), also for a BPF_F_SEGV_ON_FAULT arena whose owner must stay alive.
 * And the errors: not an arena, a vanished owner, no privileges, bad usage.
 */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include <bpf_arena/bpf_arena_inspect.h>

#include "test_helpers.h"
#include "progs/inspect_common.h"

#define OUT_SZ (1 << 20)

struct child {
	pid_t pid;
	FILE *to, *from;
	unsigned int id;
	unsigned long base, size, globals_off, g_off; /* g_off: of the global g */
	unsigned long long heap_pages, pool_pages, counter, list_len;
};

/* Start inspect_child on progs/<variant>/@prog.bpf.o with up to two more
 * arguments (--pin PATH, --zero).
 */
static void start_child(struct child *c, const char *prog, const char *arg1, const char *arg2)
{
	int in[2], out[2];
	char line[512];

	test_require_arena_kernel();
	cr_assert_eq(pipe2(in, O_CLOEXEC), 0);
	cr_assert_eq(pipe2(out, O_CLOEXEC), 0);
	c->pid = fork();
	cr_assert_geq(c->pid, 0);
	if (!c->pid) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		execl(INSPECT_CHILD, INSPECT_CHILD, test_prog_path(prog), arg1, arg2, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	c->to = fdopen(in[1], "w");
	c->from = fdopen(out[0], "r");
	setvbuf(c->to, NULL, _IOLBF, 0);
	cr_assert(fgets(line, sizeof(line), c->from), "the child said nothing (see its stderr)");
	cr_assert_eq(
		sscanf(line,
		       "ready id %u base %lx size %lu globals_off %lu g_off %lu heap_pages %llu "
		       "pool_pages %llu counter %llu list_len %llu",
		       &c->id, &c->base, &c->size, &c->globals_off, &c->g_off, &c->heap_pages,
		       &c->pool_pages, &c->counter, &c->list_len),
		9, "child: %s", line);
}

static void stop_child(struct child *c)
{
	int status;

	fclose(c->to);
	fclose(c->from);
	cr_assert_eq(waitpid(c->pid, &status, 0), c->pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child ended with status 0x%x",
		  status);
}

/* A question to the child and its answer line. */
static void ask(struct child *c, const char *q, char *ans, size_t sz)
{
	fprintf(c->to, "%s\n", q);
	cr_assert(fgets(ans, (int)sz, c->from), "the child did not answer '%s' (dead?)", q);
}

static int kernel_free_pages(struct child *c)
{
	char ans[64];
	int n = -1;

	ask(c, "count", ans, sizeof(ans));
	cr_assert_eq(sscanf(ans, "free %d", &n), 1, "%s", ans);
	return n;
}

/* Pages of the child's arena mapping present in its page tables. */
static int present_pages(struct child *c)
{
	char path[64];
	unsigned long long e;
	unsigned long i;
	int fd, n = 0;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", c->pid);
	fd = open(path, O_RDONLY);
	cr_assert_geq(fd, 0);
	for (i = 0; i < c->size / 4096; i++) {
		cr_assert_eq(pread(fd, &e, 8, (off_t)((c->base / 4096 + i) * 8)), 8);
		n += (int)(e >> 63);
	}
	close(fd);
	return n;
}

/* The child's Rss of its arena mapping, in kB. */
static long mapping_rss(struct child *c)
{
	char path[64], line[512];
	long rss = -1;
	bool in = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/smaps", c->pid);
	f = fopen(path, "r");
	cr_assert(f);
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;

		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 &&
		    strchr(line, '-') < strchr(line, ' '))
			in = lo == c->base;
		else if (in && sscanf(line, "Rss: %ld kB", &rss) == 1)
			break;
	}
	fclose(f);
	return rss;
}

/* Run the tool with @args (a printf format); stdout and stderr into @out.
 * With @as_nobody the tool runs as user 65534, without capabilities.
 */
static int run_tool_as(bool as_nobody, char *out, size_t sz, const char *fmt, ...)
{
	char args[1024], cmd[1200];
	va_list ap;
	int status, p[2];
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "%s inspect %s", BPF_ARENA_TOOL, args);
	cr_assert_eq(pipe(p), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (!pid) {
		dup2(p[1], 1);
		dup2(p[1], 2);
		close(p[0]);
		if (as_nobody && (setgid(65534) || setuid(65534)))
			_exit(126);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	/* all of it, keeping what fits */
	for (;;) {
		char sink[4096];

		if (len + 1 < sz)
			n = read(p[0], out + len, sz - 1 - len);
		else
			n = read(p[0], sink, sizeof(sink));
		if (n <= 0)
			break;
		if (len + 1 < sz)
			len += (size_t)n;
	}
	out[len] = '\0';
	close(p[0]);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status), "'%s' died: 0x%x", cmd, status);
	return WEXITSTATUS(status);
}

#define run_tool(out, ...) run_tool_as(false, out, OUT_SZ, __VA_ARGS__)

static char *out_buf(void)
{
	char *b = malloc(OUT_SZ);

	cr_assert(b);
	return b;
}

static void assert_has(const char *out, const char *what)
{
	cr_assert(strstr(out, what), "expected '%s' in:\n%s", what, out);
}

Test(inspect, list_shows_the_arena_its_programs_and_its_holder)
{
	struct child c;
	char *out = out_buf(), want[256];

	start_child(&c, "inspect_heap", NULL, NULL);
	cr_assert_eq(run_tool(out, "list"), 0, "%s", out);
	snprintf(want, sizeof(want), "%u: arena  name arena  pages %d  bytes %d\n", c.id,
		 INSPECT_PAGES, INSPECT_PAGES * 4096);
	assert_has(out, want);
	snprintf(want, sizeof(want), "user_addr 0x%lx (mapping)", c.base);
	assert_has(out, want);

	cr_assert_eq(run_tool(out, "list --json"), 0, "%s", out);
	cr_assert_eq(out[0], '[', "%s", out);
	snprintf(want, sizeof(want),
		 "{\"id\":%u,\"name\":\"arena\",\"pages\":%d,\"bytes\":%d,\"user_addr\":\"0x%lx\"",
		 c.id, INSPECT_PAGES, INSPECT_PAGES * 4096, c.base);
	assert_has(out, want);
	/* this arena's object alone: it ends with its "pids" array */
	{
		char *obj = strstr(out, want), *pids = strstr(obj, "\"pids\":"), *end;

		cr_assert(pids);
		end = strstr(pids, "]}");
		cr_assert(end);
		end[2] = '\0';
		assert_has(obj, "\"name\":\"fill\"");
		assert_has(obj, "\"name\":\"count_free_page\"");
		assert_has(obj, "\"flags\":[],\"pinned\":[]");
		snprintf(want, sizeof(want),
			 "{\"pid\":%d,\"comm\":\"inspect_child\",\"fds\":", c.pid);
		assert_has(pids, want);
		assert_has(strstr(pids, want), "\"mapped\":true,\"rss\":");
	}
	stop_child(&c);
	free(out);
}

/* The object of arena @id in list --json output, cut out of @out. */
static char *arena_object(char *out, unsigned int id)
{
	char want[64], *obj, *end;

	snprintf(want, sizeof(want), "{\"id\":%u,\"name\":", id);
	obj = strstr(out, want);
	cr_assert(obj, "arena %u not listed:\n%s", id, out);
	end = strstr(strstr(obj, "\"pids\":"), "]}");
	cr_assert(end);
	end[2] = '\0';
	return obj;
}

/* Two arenas of one size in one process, at addresses that share their
 * upper half: each is found at its own address.
 */
Test(inspect, two_arenas_of_one_size_are_told_apart)
{
	char *out = out_buf(), *copy = out_buf(), want[128], line[128];
	unsigned long base2;
	unsigned int id2;
	struct child c;

	start_child(&c, "inspect_heap", "--twice", NULL);
	cr_assert(fgets(line, sizeof(line), c.from));
	cr_assert_eq(sscanf(line, "second id %u base %lx", &id2, &base2), 2, "%s", line);
	cr_assert_eq(c.base >> 32, base2 >> 32, "0x%lx and 0x%lx: the case is not made", c.base,
		     base2);
	cr_assert_eq(run_tool(out, "list --json"), 0, "%s", out);
	memcpy(copy, out, OUT_SZ);
	snprintf(want, sizeof(want), "\"user_addr\":\"0x%lx\",\"user_addr_source\":\"mapping\"",
		 c.base);
	assert_has(arena_object(copy, c.id), want);
	snprintf(want, sizeof(want), "\"user_addr\":\"0x%lx\",\"user_addr_source\":\"mapping\"",
		 base2);
	assert_has(arena_object(out, id2), want);
	/* and read at their own addresses: the second one's globals */
	cr_assert_eq(run_tool(out, "show %u --json", id2), 0, "%s", out);
	assert_has(out, "\"inspect_counter\":42");
	stop_child(&c);
	free(copy);
	free(out);
}

Test(inspect, show_prints_the_globals_by_name_and_the_heap)
{
	char *out = out_buf(), want[256], svg[64];
	struct child c;

	start_child(&c, "inspect_heap", NULL, NULL);
	snprintf(svg, sizeof(svg), "/tmp/test_inspect_%d.svg", getpid());
	cr_assert_eq(run_tool(out, "show %u --svg %s", c.id, svg), 0, "%s", out);
	snprintf(want, sizeof(want), "at offset 0x%lx (from the programs' instructions)",
		 c.globals_off);
	assert_has(out, want);
	assert_has(out, "inspect_counter = (__u64)42\n");
	snprintf(want, sizeof(want), "g.magic = (__u64)%llu\n", INSPECT_MAGIC);
	assert_has(out, want);
	assert_has(out, "g.list_len = (__u64)70\n");
	snprintf(want, sizeof(want), "heap g.heap at offset 0x%lx: %llu pages (%llu in the pool)",
		 c.g_off + offsetof(struct inspect_globals, heap), c.heap_pages, c.pool_pages);
	assert_has(out, want);
	/* 100 items of class 64 B, 30 freed into this CPU's cache, 28 never carved */
	assert_has(out, "\n        64      2       70       30       30        28\n");
	/* five 4 KiB blocks, the first freed and taken again */
	assert_has(out, "\n      4096      4        4        0        0         0\n");
	assert_has(out, "\n     pages    301        1\n");
	{
		size_t len;
		char *text = test_read_file(svg, &len);

		cr_assert(text, "no %s", svg);
		cr_assert(strncmp(text, "<?xml", 5) == 0 && strstr(text, "</svg>\n"));
		/* one square per page, plus the legend's */
		cr_assert_geq((long)(strlen(text) / 60), INSPECT_PAGES);
		assert_has(text, "64 B blocks: 2 pages, 70 live, 30 free, 28 uncarved");
		assert_has(text, "page-run blocks: 301 pages, 1 block<");
		free(text);
		unlink(svg);
	}
	stop_child(&c);
	free(out);
}

Test(inspect, show_json_has_the_values_the_child_wrote)
{
	char *out = out_buf(), want[256];
	struct child c;

	start_child(&c, "inspect_heap", NULL, NULL);
	cr_assert_eq(run_tool(out, "show %u --json", c.id), 0, "%s", out);
	cr_assert_eq(out[0], '{', "%s", out);
	snprintf(want, sizeof(want), "\"globals\":{\"offset\":%lu,", c.globals_off);
	assert_has(out, want);
	assert_has(out, "\"inspect_counter\":42");
	snprintf(want, sizeof(want),
		 "\"magic\":%llu,\"list_len\":70,\"label\":\"heap\","
		 "\"values\":[111,222,333,444]",
		 INSPECT_MAGIC);
	assert_has(out, want);
	snprintf(want, sizeof(want),
		 "\"heap\":{\"name\":\"g.heap\",\"offset\":%lu,\"pages\":%llu,"
		 "\"pool_pages\":%llu,",
		 c.g_off + offsetof(struct inspect_globals, heap), c.heap_pages, c.pool_pages);
	assert_has(out, want);
	assert_has(out, "{\"block_size\":64,\"pages\":2,\"live\":70,\"free\":30,\"cached\":30,"
			"\"uncarved\":28}");
	assert_has(out, "\"large_live\":1,\"large_pages\":301");
	stop_child(&c);
	free(out);
}

Test(inspect, globals_at_zero_are_found_from_the_instructions)
{
	char *out = out_buf(), want[256];
	struct child c;

	start_child(&c, "inspect_heap", "--zero", NULL);
	cr_assert_eq(c.globals_off, 0);
	cr_assert_eq(run_tool(out, "show %u --json", c.id), 0, "%s", out);
	assert_has(out, "\"globals\":{\"offset\":0,\"bytes\":25600,\"offset_source\":\"from the "
			"programs' instructions\"");
	snprintf(want, sizeof(want), "\"magic\":%llu,\"list_len\":70,", INSPECT_MAGIC);
	assert_has(out, want);
	assert_has(out, "{\"block_size\":64,\"pages\":2,\"live\":70,\"free\":30,");
	stop_child(&c);
	free(out);
}

Test(inspect, types_from_the_object_and_a_given_offset)
{
	char *out = out_buf(), want[512];
	struct child c;

	start_child(&c, "inspect_heap", NULL, NULL);
	cr_assert_eq(run_tool(out, "show %u --json --object %s --globals-offset %lu", c.id,
			      test_prog_path("inspect_heap"), c.globals_off),
		     0, "%s", out);
	snprintf(want, sizeof(want),
		 "\"offset\":%lu,\"bytes\":25600,\"offset_source\":\"given\",\"types\":\"object "
		 "%s\"",
		 c.globals_off, test_prog_path("inspect_heap"));
	assert_has(out, want);
	snprintf(want, sizeof(want), "\"magic\":%llu,\"list_len\":70,", INSPECT_MAGIC);
	assert_has(out, want);
	stop_child(&c);
	free(out);
}

Test(inspect, dump_reads_any_range)
{
	char *out = out_buf(), want[256];
	unsigned long long magic = INSPECT_MAGIC;
	unsigned long off;
	struct child c;
	int i;

	start_child(&c, "inspect_heap", NULL, NULL);
	off = c.g_off + offsetof(struct inspect_globals, magic);
	cr_assert_eq(run_tool(out, "dump %u --offset %lu --length 8 --json", c.id, off), 0, "%s",
		     out);
	snprintf(want, sizeof(want),
		 "\"offset\":%lu,\"length\":8,\"user_addr\":\"0x%lx\",\"hex\":\"", off,
		 c.base + off);
	assert_has(out, want);
	for (i = 0; i < 8; i++)
		snprintf(want + 2 * i, 3, "%02llx", (magic >> (8 * i)) & 0xff);
	assert_has(out, want);

	cr_assert_eq(run_tool(out, "dump %u --offset 0x%lx --length 32", c.id,
			      c.g_off + offsetof(struct inspect_globals, label)),
		     0, "%s", out);
	/* label, then values[] = 111, 222, 333, 444 */
	assert_has(out, ": 68 65 61 70 00 00 00 00 00 00 00 00 00 00 00 00  |heap............|\n");
	assert_has(out, ": 6f 00 00 00 de 00 00 00 4d 01 00 00 bc 01 00 00  |o.......M.......|\n");
	/* a page nobody allocated reads as zeros */
	cr_assert_eq(run_tool(out, "dump %u --offset 0x100000 --length 16", c.id), 0, "%s", out);
	assert_has(out, "00100000: 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00");
	stop_child(&c);
	free(out);
}

/* Inspecting leaves the arena as it was: every command, then the kernel's
 * count of free pages, the owner's present pages and Rss are the same.
 */
static void check_no_side_effects(const char *prog)
{
	char *out = out_buf(), ans[64];
	int free0, present0, free1, present1;
	long rss0, rss1;
	struct child c;

	start_child(&c, prog, NULL, NULL);
	free0 = kernel_free_pages(&c);
	present0 = present_pages(&c);
	rss0 = mapping_rss(&c);
	cr_assert_gt(free0, 0);
	cr_assert_eq(free0 + (int)c.heap_pages + (int)((c.size - c.globals_off) / 4096),
		     INSPECT_PAGES, "free %d, heap %llu", free0, c.heap_pages);

	cr_assert_eq(run_tool(out, "list"), 0, "%s", out);
	cr_assert_eq(run_tool(out, "list --json"), 0, "%s", out);
	cr_assert_eq(run_tool(out, "show %u", c.id), 0, "%s", out);
	cr_assert_eq(run_tool(out, "show %u --json", c.id), 0, "%s", out);
	/* the whole arena, allocated or not */
	cr_assert_eq(run_tool(out, "dump %u --offset 0 --length %lu --json", c.id, c.size), 0,
		     "%.300s", out);

	free1 = kernel_free_pages(&c);
	present1 = present_pages(&c);
	rss1 = mapping_rss(&c);
	cr_assert_eq(free1, free0, "the kernel's free pages: %d before, %d after", free0, free1);
	cr_assert_eq(present1, present0, "present pages: %d before, %d after", present0, present1);
	cr_assert_eq(rss1, rss0, "Rss: %ld kB before, %ld kB after", rss0, rss1);
	ask(&c, "ping", ans, sizeof(ans));
	cr_assert_str_eq(ans, "pong\n");
	stop_child(&c);
	free(out);
}

Test(inspect, leaves_the_arena_as_it_was)
{
	check_no_side_effects("inspect_heap");
}

Test(inspect, leaves_a_segv_on_fault_arena_and_its_owner_alone)
{
	char *out = out_buf();
	struct child c;

	check_no_side_effects("inspect_segv");
	start_child(&c, "inspect_segv", NULL, NULL);
	cr_assert_eq(run_tool(out, "list --json"), 0, "%s", out);
	assert_has(out, "\"flags\":[\"segv_on_fault\"]");
	stop_child(&c);
	free(out);
}

Test(inspect, follows_pointers_stored_without_user_conversion)
{
	char *out = out_buf();
	struct child c;

	start_child(&c, "inspect_nouserconv", NULL, NULL);
	cr_assert_eq(run_tool(out, "show %u --json", c.id), 0, "%s", out);
	assert_has(out, "\"flags\":[\"no_user_conv\"]");
	/* the pool and the caches are lists of such pointers */
	assert_has(out, "\"pool_pages\":10,");
	assert_has(out, "{\"block_size\":64,\"pages\":2,\"live\":70,\"free\":30,\"cached\":30,");
	assert_has(out, "\"large_live\":1,\"large_pages\":301");
	stop_child(&c);
	free(out);
}

Test(inspect, a_pin_names_the_arena)
{
	char *out = out_buf(), pin[64], want[128];
	struct child c;

	test_require_arena_kernel();
	test_ensure_bpffs();
	snprintf(pin, sizeof(pin), "/sys/fs/bpf/test_inspect_%d", getpid());
	start_child(&c, "inspect_heap", "--pin", pin);
	cr_assert_eq(run_tool(out, "show %s --json", pin), 0, "%s", out);
	snprintf(want, sizeof(want), "{\"arena\":{\"id\":%u,", c.id);
	assert_has(out, want);
	snprintf(want, sizeof(want), "\"pinned\":[\"%s\"]", pin);
	assert_has(out, want);
	stop_child(&c);
	cr_assert_neq(access(pin, F_OK), 0, "the child left its pin");
	free(out);
}

/* An arena this library pinned keeps a header in page 0: with its owner
 * and its programs gone, show takes the globals' offset from the header
 * (not an assumption), and says so when the object given for the types is
 * not the one that made the arena.
 */
Test(inspect, a_pinned_arena_without_programs_is_read_through_its_header)
{
	char *out = out_buf(), pin[80], want[160];
	struct bpf_object *obj;
	struct bpf_arena *a;
	unsigned long goff;
	__u64 *counter;

	test_require_arena_kernel();
	test_ensure_bpffs();
	snprintf(pin, sizeof(pin), "/sys/fs/bpf/test_inspect_hdr_%s_%d", test_variant(), getpid());
	obj = bpf_arena__open_file(test_prog_path("inspect_heap"), NULL);
	cr_assert(obj, "open: %s", strerror(errno));
	a = bpf_arena__from_object(obj);
	cr_assert_eq(bpf_map__set_pin_path(bpf_arena__map(a), pin), 0);
	cr_assert_eq(bpf_arena__load(obj), 0, "load: %s", strerror(errno));
	cr_assert_eq(test_run_prog(obj, "fill"), 0);
	goff = (unsigned long)bpf_arena__globals_offset(a);
	counter = bpf_arena__find_global(a, "inspect_counter", NULL);
	cr_assert(counter);
	cr_assert_eq(*counter, 42);
	bpf_arena__close(obj);

	/* only the pin holds it: no program, no mapping */
	cr_assert_eq(run_tool(out, "show %s --object %s", pin, test_prog_path("inspect_heap")), 0,
		     "%s", out);
	snprintf(want, sizeof(want), "at offset 0x%lx (from the arena's header (page 0))", goff);
	assert_has(out, want);
	assert_has(out, "inspect_counter = (__u64)42\n");
	cr_assert_null(strstr(out, "differ"), "%s", out);

	/* types from an object that did not make it */
	run_tool(out, "show %s --object %s", pin, test_prog_path("pin_plain"));
	assert_has(out, "the types are not those of object");
	cr_assert_eq(unlink(pin), 0);
	free(out);
}

/* The library under the tool, called directly. */
Test(inspect, library_reader_and_description)
{
	LIBBPF_OPTS(bpf_arena_describe_opts, opts, .no_pins = true);
	struct bpf_arena_reader *r;
	struct bpf_arena_desc *d;
	unsigned long long magic = 0;
	__u8 *nonzero;
	size_t i;
	bool mine = false;
	struct child c;
	__u32 p, pages;

	start_child(&c, "inspect_heap", NULL, NULL);
	d = bpf_arena__describe(c.id, &opts);
	cr_assert(d, "describe: %s", strerror(errno));
	cr_assert_eq(d->page_cnt, INSPECT_PAGES);
	cr_assert_eq(d->user_addr, c.base);
	cr_assert_eq(d->user_addr_source, BPF_ARENA_ADDR_MAPPING);
	for (i = 0; i < d->holder_cnt; i++)
		mine |= d->holders[i].pid == c.pid && d->holders[i].has_mapping &&
			d->holders[i].fd_cnt > 0 && d->holders[i].rss > 0;
	cr_assert(mine, "the child is not among the holders");
	bpf_arena__desc_free(d);

	r = bpf_arena_reader__new(c.id, NULL);
	cr_assert(r, "reader: %s", strerror(errno));
	cr_assert_eq(bpf_arena_reader__read(r, c.g_off + offsetof(struct inspect_globals, magic),
					    &magic, sizeof(magic)),
		     0);
	cr_assert_eq(magic, INSPECT_MAGIC);
	cr_assert_eq(bpf_arena_reader__read(r, c.size - 4, &magic, 8), -ERANGE);
	pages = (__u32)(c.size / 4096);
	nonzero = calloc(pages, 1);
	cr_assert_eq(bpf_arena_reader__scan_pages(r, 0, pages, nonzero), 0);
	/* the globals' first page starts with inspect_counter (42); a page
	 * nobody allocated reads as zeros
	 */
	cr_assert_eq(nonzero[c.globals_off / 4096], 1);
	cr_assert_eq(nonzero[pages - 20], 0);
	for (p = 0, i = 0; p < pages; p++)
		i += nonzero[p];
	/* heap pages start with a header or a pool run, the large block's first page too */
	cr_assert_geq(i, 2 + 4 + 1 + 1, "%zu pages with data", i);
	cr_assert_leq(i, c.heap_pages + 7, "%zu pages with data", i);
	free(nonzero);
	bpf_arena_reader__free(r);
	stop_child(&c);
}

/* Waits up to @secs for the kernel to free map @id; true once it has. */
static bool wait_map_freed(unsigned int id, int secs)
{
	for (int i = 0; i < secs * 50; i++) {
		int fd = bpf_map_get_fd_by_id(id);

		if (fd < 0 && errno == ENOENT)
			return true;
		if (fd >= 0)
			close(fd);
		usleep(20000);
	}
	return false;
}

Test(inspect, errors_say_what_is_wrong_and_exit_1)
{
	char *out = out_buf();
	struct child c;
	int fd, status;
	unsigned int id;
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	test_require_arena_kernel();
	/* not an arena */
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "not_arena", 4, 4, 1, NULL);
	cr_assert_geq(fd, 0);
	cr_assert_eq(bpf_obj_get_info_by_fd(fd, &info, &len), 0);
	cr_assert_eq(run_tool(out, "show %u", info.id), 1, "%s", out);
	assert_has(out, "not an arena (map type 2");
	cr_assert_eq(run_tool(out, "dump %u --offset 0 --length 4", info.id), 1, "%s", out);
	assert_has(out, "not an arena");
	close(fd);

	/* the owner went away, and its arena with it */
	start_child(&c, "inspect_heap", NULL, NULL);
	id = c.id;
	kill(c.pid, SIGKILL);
	cr_assert_eq(waitpid(c.pid, &status, 0), c.pid);
	fclose(c.to);
	fclose(c.from);
	/* Right after the owner is reaped no process maps the arena any more,
	 * but the kernel frees the map only after its last reference, and the
	 * programs that hold one go after an RCU (tasks trace, for sleepable
	 * ones) grace period: seconds on a loaded machine (9 s seen in CI).
	 * Until then the tool finds the map and must say nobody maps it.
	 */
	cr_assert_eq(run_tool(out, "show %u", id), 1, "%s", out);
	cr_assert(strstr(out, "no such map") || strstr(out, "no process maps it"),
		  "a vanished owner, unclear message:\n%s", out);
	cr_assert(wait_map_freed(id, 120), "arena map %u still exists 120 s after its owner died",
		  id);
	cr_assert_eq(run_tool(out, "show %u", id), 1, "%s", out);
	assert_has(out, "no such map");

	/* no privileges */
	cr_assert_eq(run_tool_as(true, out, OUT_SZ, "list"), 1, "%s", out);
	assert_has(out, "run as root");

	/* usage */
	start_child(&c, "inspect_heap", NULL, NULL);
	cr_assert_eq(run_tool(out, "dump %u --length 4", c.id), 1, "%s", out);
	assert_has(out, "dump needs --offset OFF and --length LEN");
	cr_assert_eq(run_tool(out, "dump %u --offset %lu --length 4097", c.id, c.size - 4096), 1,
		     "%s", out);
	assert_has(out, "outside the arena");
	cr_assert_eq(run_tool(out, "show /nonexistent/pin"), 1, "%s", out);
	assert_has(out, "is not a pinned arena");
	cr_assert_eq(run_tool(out, "frobnicate"), 1, "%s", out);
	cr_assert_eq(run_tool(out, "help"), 0, "%s", out);
	assert_has(out, "inspect dump ID|PIN --offset OFF --length LEN");
	stop_child(&c);
	free(out);
}
