/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* An event as BPF records it in the arena and user space reads it: one
 * definition for both sides.
 */
#ifndef __EVENTS_H
#define __EVENTS_H

#include <linux/types.h>

#define EVENTS_SLOTS 64

struct event {
	__u32 pid;
	__u32 seq;
	__u64 ts_ns;
};

#endif
