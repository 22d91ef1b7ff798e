// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Runs in the qemu guest (a kernel without arenas), statically linked: open
 * and load an arena object through the library. The load must fail, with
 * the library's message naming the missing capability, the kernel version
 * and the kernel-patches entry; while an ordinary array map still works (so
 * the failure is about arenas, not BPF). Prints QEMU-LOAD-OK on success.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <bpf_arena/bpf_arena.h>

static char messages[16384];
static size_t messages_len;

static int collect(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	int n;

	if (level == LIBBPF_DEBUG)
		return 0;
	n = vsnprintf(messages + messages_len, sizeof(messages) - messages_len, fmt, ap);
	if (n > 0)
		messages_len += (size_t)n < sizeof(messages) - messages_len
					? (size_t)n
					: sizeof(messages) - messages_len - 1;
	return n;
}

static const char *const expected[] = {
	"this kernel lacks the BPF arena map type (BPF_MAP_TYPE_ARENA, upstream Linux 6.9",
	"kernel-patches/series.tsv entry 'arena-map'",
};

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	size_t i;
	int err, fd;

	if (argc != 2) {
		fprintf(stderr, "usage: %s OBJECT\n", argv[0]);
		return 2;
	}
	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "sanity", 4, 8, 1, NULL);
	if (fd < 0) {
		printf("QEMU-LOAD-FAIL: an array map can't be created either: %s\n",
		       strerror(errno));
		return 1;
	}
	close(fd);

	libbpf_set_print(collect);
	obj = bpf_arena__open_file(argv[1], NULL);
	if (!obj) {
		printf("QEMU-LOAD-FAIL: open failed: %s\n%s", strerror(errno), messages);
		return 1;
	}
	err = bpf_arena__load(obj);
	bpf_arena__close(obj);
	printf("load returned %d (%s); messages:\n%s", err, err ? strerror(-err) : "ok", messages);
	if (err == 0) {
		printf("QEMU-LOAD-FAIL: the load succeeded on a kernel without arenas\n");
		return 1;
	}
	for (i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		if (!strstr(messages, expected[i])) {
			printf("QEMU-LOAD-FAIL: no \"%s\" in the messages\n", expected[i]);
			return 1;
		}
	}
	printf("QEMU-LOAD-OK\n");
	return 0;
}
