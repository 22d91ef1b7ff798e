/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Types shared by skel_globals.bpf.c and the skeleton tests: a skeleton
 * declares globals of these types but, as bpftool's does, leaves their
 * definitions to the program that includes it.
 */
#ifndef __SKEL_GLOBALS_H
#define __SKEL_GLOBALS_H

struct skel_pair {
	int a;
	long long b;
};

union skel_word {
	unsigned int u;
	unsigned char bytes[4];
};

enum skel_color {
	SKEL_RED = 1,
	SKEL_GREEN = 2,
	SKEL_BLUE = 3,
};

typedef unsigned short skel_u16;

#endif
