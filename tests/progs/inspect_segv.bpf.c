// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* inspect_heap.bpf.c on an arena where a user-space touch of an absent page
 * raises SIGSEGV.
 */
#define INSPECT_FLAGS BPF_F_SEGV_ON_FAULT
#include "inspect_heap.bpf.c"
