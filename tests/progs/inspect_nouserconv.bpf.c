// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* inspect_heap.bpf.c on an arena where BPF stores pointers in kernel form
 * (their low 32 bits), which the inspector must follow too.
 */
#define INSPECT_FLAGS BPF_F_NO_USER_CONV
#include "inspect_heap.bpf.c"
