/*
 * cmd_list.c - 'mvlaunch list': one line per VM under the runtime root.
 */
#include <getopt.h>
#include <stdio.h>

#include "launcher/cmd/commands.h"
#include "launcher/vm/runtime.h"
#include "launcher/vm/vm_status.h"
#include "util/usage.h"
#include "util/banned.h"

static const char usage_list[] =
	"usage: mvlaunch list\n"
	"\n"
	"One line per VM under the runtime root: name, state, QEMU pid, vCPUs.\n"
	"'mvlaunch status' shows the pins too.";

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
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, count = 0;

	(void)opts;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		if (c == 'h') {
			puts(usage_list);
			return MVL_EXIT_OK;
		}
		return usage_error(usage_list);
	}
	if (optind != argc)
		return usage_error(usage_list);
	{
		struct strbuf err = STRBUF_INIT;

		if (runtime_root_access(&err) < 0) {
			error_lines(err.buf);
			strbuf_release(&err);
			return MVL_EXIT_FAILURE;
		}
		strbuf_release(&err);
	}
	printf("%-24s %-12s %-8s %s\n", "NAME", "STATE", "PID", "VCPUS");
	runtime_for_each(list_one, &count);
	return MVL_EXIT_OK;
}
