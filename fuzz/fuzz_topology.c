/*
 * fuzz_topology.c - libFuzzer target: an hwloc XML topology (--topology),
 * through the planner.
 *
 * The file comes from the user. It goes through host_topo_load_xml_buffer()
 * as 'plan --topology' reads it (size limit; libhwloc reads it in a child
 * first, so a file it crashes on is an error here, not a crash), then a
 * dedicated "auto" VM, a shared one and pinned one are planned on it with
 * the kernel command line, as 'plan' does: any topology libhwloc accepts
 * must plan cleanly or fail cleanly.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config/vm_config.h"
#include "launcher/plan/host_topo.h"
#include "launcher/plan/pin_plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static const char *const configs[] = {
	"[cpu]\nvcpus = 4\ntopology = \"auto\"\n[pinning]\nvcpus = \"auto\"\n[memory]\nhugepages = \"2M\"\n",
	"[cpu]\nvcpus = 3\n[pinning]\nvcpus = \"auto\"\npolicy = \"shared\"\nemulator = \"isolate\"\n",
	"[cpu]\nvcpus = 2\ntopology = { sockets = 1, cores = 1, threads = 2 }\n[pinning]\nvcpus = [\"1\", \"3\"]\n",
};
static struct vm_config cfgs[3];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct strbuf err = STRBUF_INIT;

	(void)argc;
	(void)argv;
	for (size_t i = 0; i < 3; i++) {
		vm_config_init(&cfgs[i]);
		if (vm_config_parse("fuzz.toml", configs[i], strlen(configs[i]), &cfgs[i], &err) < 0)
			abort();
	}
	strbuf_release(&err);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf err = STRBUF_INIT, cmdline = STRBUF_INIT;
	struct strvec notes = STRVEC_INIT;
	const struct vm_config *cp[3] = { &cfgs[0], &cfgs[1], &cfgs[2] };
	struct host_topo topo;
	struct plan_host host;
	struct pin_plan plans[3];
	size_t planned = 0;

	if (host_topo_load_xml_buffer(&topo, "fuzz.xml", (const char *)data, size, &err) < 0) {
		strbuf_release(&err);
		return 0;
	}
	if (pin_plan_host_init(&host, &topo, NULL, &err) == 0) {
		for (; planned < 3; planned++) {
			if (pin_plan_build(&host, &cfgs[planned], &plans[planned], &notes, &err) < 0)
				break;
			pin_plan_memory_check(&topo, &cfgs[planned], &plans[planned], &err);
		}
		pin_plan_kernel_cmdline(&host, cp, planned, &cmdline, &notes);
		for (size_t i = 0; i < planned; i++)
			pin_plan_release(&plans[i]);
		pin_plan_host_release(&host);
	}
	host_topo_free(&topo);
	strvec_clear(&notes);
	strbuf_release(&err);
	strbuf_release(&cmdline);
	return 0;
}
