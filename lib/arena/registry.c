// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * The library's state for each object it opened, found by the object (or the
 * arena's map) the application holds: the public API hands out plain
 * struct bpf_object pointers so that every libbpf call keeps working on them.
 */
#include <pthread.h>

#include "internal.h"

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct bpf_arena *registry;

int arena_registry_add(struct bpf_arena *a)
{
	pthread_mutex_lock(&registry_lock);
	a->next = registry;
	registry = a;
	pthread_mutex_unlock(&registry_lock);
	return 0;
}

struct bpf_arena *arena_registry_take(const struct bpf_object *obj)
{
	struct bpf_arena **p, *a = NULL;

	pthread_mutex_lock(&registry_lock);
	for (p = &registry; *p; p = &(*p)->next) {
		if ((*p)->obj == obj) {
			a = *p;
			*p = a->next;
			a->next = NULL;
			break;
		}
	}
	pthread_mutex_unlock(&registry_lock);
	return a;
}

struct bpf_arena *arena_registry_find(const struct bpf_object *obj, const struct bpf_map *map)
{
	struct bpf_arena *a;

	pthread_mutex_lock(&registry_lock);
	for (a = registry; a; a = a->next)
		if ((obj && a->obj == obj) || (map && a->map == map))
			break;
	pthread_mutex_unlock(&registry_lock);
	return a;
}
