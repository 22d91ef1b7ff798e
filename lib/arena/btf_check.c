// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * libbpf 1.1 parses BTF (sizes, offsets, known kinds) but trusts what the
 * types say of each other: a type id out of range, a FUNC whose type isn't
 * a FUNC_PROTO or a DATASEC entry that isn't a VAR sends it reading past its
 * arrays. Later libbpf versions check this (after fuzzing found the same);
 * we do it before handing an object to libbpf 1.1.
 */
#include <stdio.h>
#include <stdlib.h>

#include "btf_check.h"

struct btf_walk {
	const struct btf *btf;
	__u32 type_cnt;
	char *what;
	size_t what_sz;
};

static bool fail(struct btf_walk *w, __u32 id, const char *why)
{
	if (w->what)
		snprintf(w->what, w->what_sz, "type [%u]: %s", id, why);
	return false;
}

static bool name_ok(struct btf_walk *w, __u32 off)
{
	return btf__name_by_offset(w->btf, off) != NULL;
}

static bool ref_ok(struct btf_walk *w, __u32 ref)
{
	return ref < w->type_cnt;
}

static bool ref_is(struct btf_walk *w, __u32 ref, __u16 kind)
{
	const struct btf_type *t;

	if (!ref_ok(w, ref) || ref == 0)
		return false;
	t = btf__type_by_id(w->btf, ref);
	return t && btf_kind(t) == kind;
}

static bool check_type(struct btf_walk *w, __u32 id, const struct btf_type *t)
{
	__u32 i, vlen = btf_vlen(t);

	if (!name_ok(w, t->name_off))
		return fail(w, id, "name outside the string section");
	switch (btf_kind(t)) {
	case BTF_KIND_PTR:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
	case BTF_KIND_VAR:
	case BTF_KIND_DECL_TAG:
		if (!ref_ok(w, t->type))
			return fail(w, id, "refers to a type that doesn't exist");
		break;
	case BTF_KIND_FUNC:
		if (!ref_is(w, t->type, BTF_KIND_FUNC_PROTO))
			return fail(w, id, "a FUNC whose type is no FUNC_PROTO");
		break;
	case BTF_KIND_ARRAY:
		if (!ref_ok(w, btf_array(t)->type) || !ref_ok(w, btf_array(t)->index_type))
			return fail(w, id, "an ARRAY of a type that doesn't exist");
		break;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		for (i = 0; i < vlen; i++)
			if (!ref_ok(w, btf_members(t)[i].type) ||
			    !name_ok(w, btf_members(t)[i].name_off))
				return fail(w, id, "a member with a bad type or name");
		break;
	case BTF_KIND_ENUM:
		for (i = 0; i < vlen; i++)
			if (!name_ok(w, btf_enum(t)[i].name_off))
				return fail(w, id, "an enumerator with a bad name");
		break;
	case BTF_KIND_ENUM64:
		for (i = 0; i < vlen; i++)
			if (!name_ok(w, btf_enum64(t)[i].name_off))
				return fail(w, id, "an enumerator with a bad name");
		break;
	case BTF_KIND_FUNC_PROTO:
		if (!ref_ok(w, t->type))
			return fail(w, id, "returns a type that doesn't exist");
		for (i = 0; i < vlen; i++)
			if (!ref_ok(w, btf_params(t)[i].type) ||
			    !name_ok(w, btf_params(t)[i].name_off))
				return fail(w, id, "a parameter with a bad type or name");
		break;
	case BTF_KIND_DATASEC:
		for (i = 0; i < vlen; i++) {
			__u32 ref = btf_var_secinfos(t)[i].type;

			if (!ref_is(w, ref, BTF_KIND_VAR) && !ref_is(w, ref, BTF_KIND_FUNC))
				return fail(w, id, "a DATASEC entry that is no VAR or FUNC");
		}
		break;
	default:
		break;
	}
	return true;
}

/* libbpf's own bound on such chains (MAX_RESOLVE_DEPTH) */
#define CHAIN_MAX 32

/*
 * Modifiers, typedefs and pointers refer on to one more type: code that
 * skips them (ours in map_def.c and gen/, libbpf's) loops forever on a cycle
 * (fuzz_open found `typedef` chains that come back to themselves). Every
 * chain must end within CHAIN_MAX steps at some other kind.
 */
static bool chain_ends(struct btf_walk *w, __u32 id, const struct btf_type *t)
{
	int hops;

	for (hops = 0; hops <= CHAIN_MAX; hops++) {
		if (!btf_is_mod(t) && !btf_is_typedef(t) && !btf_is_ptr(t))
			return true;
		if (!t->type)
			return true; /* void */
		t = btf__type_by_id(w->btf, t->type);
		if (!t)
			return fail(w, id, "a chain of modifiers to a missing type");
	}
	return fail(w, id, "a chain of more than 32 modifiers, typedefs and pointers (a cycle?)");
}

/* The idx-th type that emitting @t as C spells out inline (0: none, or
 * void): what a pointer, array, modifier or prototype refers to, and the
 * members of a struct or union without a name. A named type (struct,
 * union, enum, typedef, int) is written by its name and ends the path.
 */
static __u32 inline_ref(const struct btf_type *t, __u32 idx)
{
	switch (btf_kind(t)) {
	case BTF_KIND_PTR:
	case BTF_KIND_CONST:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		return idx == 0 ? t->type : 0;
	case BTF_KIND_ARRAY:
		return idx == 0 ? btf_array(t)->type : 0;
	case BTF_KIND_FUNC_PROTO: /* the return type, then the parameters */
		if (idx == 0)
			return t->type;
		return idx <= btf_vlen(t) ? btf_params(t)[idx - 1].type : 0;
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		if (t->name_off)
			return 0;
		return idx < btf_vlen(t) ? btf_members(t)[idx].type : 0;
	default:
		return 0;
	}
}

static __u32 inline_ref_cnt(const struct btf_type *t)
{
	switch (btf_kind(t)) {
	case BTF_KIND_FUNC_PROTO:
		return 1 + btf_vlen(t);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return t->name_off ? 0 : btf_vlen(t);
	default:
		return 1;
	}
}

/*
 * A type that contains itself with no name on the way (an anonymous struct
 * whose member is, or points to, that struct; an array of itself) can't
 * come from C, and libbpf's btf_dump, which writes such types inline,
 * recurses on it until the stack runs out (fuzz_gen found it through
 * `bpf-arena gen skeleton`). Depth-first over those inline references,
 * with an explicit stack: a type seen again while still open is a cycle.
 */
static bool no_inline_cycle(struct btf_walk *w)
{
	struct frame {
		__u32 id, next;
	} * stack;
	unsigned char *state; /* 0 unseen, 1 open, 2 done */
	bool ok = true;
	__u32 root;

	state = calloc(w->type_cnt, 1);
	stack = calloc(w->type_cnt, sizeof(*stack));
	if (!state || !stack) {
		free(state);
		free(stack);
		return fail(w, 0, "no memory to check for cycles");
	}
	for (root = 1; ok && root < w->type_cnt; root++) {
		size_t depth = 0;

		if (state[root])
			continue;
		state[root] = 1;
		stack[depth++] = (struct frame){ root, 0 };
		while (depth) {
			struct frame *f = &stack[depth - 1];
			const struct btf_type *t = btf__type_by_id(w->btf, f->id);
			__u32 ref;

			if (!t || f->next >= inline_ref_cnt(t)) {
				state[f->id] = 2;
				depth--;
				continue;
			}
			ref = inline_ref(t, f->next++);
			if (!ref || ref >= w->type_cnt || state[ref] == 2)
				continue;
			if (state[ref] == 1) {
				ok = fail(w, ref,
					  "contains itself with no name on the way (a cycle)");
				break;
			}
			state[ref] = 1;
			stack[depth++] = (struct frame){ ref, 0 };
		}
	}
	free(state);
	free(stack);
	return ok;
}

bool arena_btf_is_sane(const struct btf *btf, char *what, size_t what_sz)
{
	struct btf_walk w = { .btf = btf, .what = what, .what_sz = what_sz };
	__u32 id;

	w.type_cnt = btf__type_cnt(btf);
	for (id = 1; id < w.type_cnt; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);

		if (!t)
			return fail(&w, id, "missing");
		if (!check_type(&w, id, t) || !chain_ends(&w, id, t))
			return false;
	}
	return no_inline_cycle(&w);
}
