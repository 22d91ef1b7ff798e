// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/* pin_store.bpf.c without a pinning attribute: the application sets the pin
 * path (bpf_map__set_pin_path()) or hands in the arena's fd
 * (bpf_map__reuse_fd()) after open.
 */
#define PIN_PLAIN
#include "pin_store.bpf.c"
