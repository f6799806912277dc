/*
 * fuzz_state.c - libFuzzer target: state.json, the record 'up' leaves of a
 * running VM, as every command reads it (vm_state_read()).
 *
 * The file is on disk and could be damaged or crafted: any content must end
 * in a clean read or a clean "state file ... corrupt" error. The input is
 * written to a memfd and read through /proc/self/fd, as a file is.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "launcher/vm/vm_state.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err err = ERR_INIT;
	struct vm_state st;
	char path[64];
	int fd = memfd_create("state.json", MFD_CLOEXEC);

	if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (vm_state_read(path, &st, &err) == 0) {
		json_t *threads = json_array();

		for (size_t i = 0; i < st.threads.nr; i++)
			json_array_append_new(threads, vm_state_thread_json(&st.threads.t[i]));
		json_decref(threads);
		vm_state_release(&st);
	}
	close(fd);
	err_release(&err);
	return 0;
}
