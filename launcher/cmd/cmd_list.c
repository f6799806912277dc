/*
 * cmd_list.c - 'mvlaunch list': one line per VM under the runtime root.
 */
#include <stdio.h>

#include "launcher/cmd/commands.h"
#include "launcher/cmd/parse_options.h"
#include "launcher/vm/runtime.h"
#include "launcher/vm/vm_status.h"
#include "util/err.h"
#include "util/usage.h"
#include "util/banned.h"

static int list_one(const char *name, void *data)
{
	struct vm_status s;
	size_t vcpus = 0;

	vm_status_read(name, &s);
	for (size_t i = 0; i < s.st.threads.nr; i++)
		vcpus += s.st.threads.t[i].role == ROLE_VCPU;
	if (s.running)
		printf("%-24s %-12s %-8d %zu\n", name, s.state, (int)s.st.pid, vcpus);
	else
		printf("%-24s %-12s %-8s -\n", name, s.state, "-");
	(*(int *)data)++;
	vm_status_release(&s);
	return 0;
}

int cmd_list(int argc, char **argv, const struct mvl_opts *opts)
{
	const struct opt options[] = {
		OPT_END(),
	};
	const struct cmd_usage usage = {
		.name = "list", .operands = NULL, .min = 0, .max = 0, .opts = options,
		.text = "One line per VM under the runtime root: name, state, QEMU pid, vCPUs.\n"
			"'mvlaunch status' shows the pins too.",
	};
	int count = 0;

	(void)opts;
	argc = parse_options(argc, argv, &usage);
	if (argc < 0)
		return parse_options_exit(argc);
	if (runtime_readable() < 0)
		return MVL_EXIT_FAILURE;
	printf("%-24s %-12s %-8s %s\n", "NAME", "STATE", "PID", "VCPUS");
	runtime_for_each(list_one, &count);
	return MVL_EXIT_OK;
}
