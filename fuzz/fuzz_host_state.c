/*
 * fuzz_host_state.c - libFuzzer target: host.json, what VMs hold on the host.
 *
 * Written by mvlaunch, but on disk: a crafted one once made it write
 * arbitrary paths as root and unmount what it named. Any content must be
 * refused cleanly or read, and reading it (host status) and reconciling it
 * as a dry run (the paths every up/down/status would write, computed, none
 * written) must not crash or leak. $MVLAUNCH_RUNDIR and $MVLAUNCH_SYSROOT
 * point at a private temporary directory, so no host file is touched.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/host_config.h"
#include "launcher/host/host_prep.h"
#include "launcher/plan/host_topo.h"
#include "util/wrapper.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static char dir[] = "/tmp/mvl-fuzz-host-XXXXXX";
static char *state;
static struct host_topo topo;
static struct host_config hc;

static int never_alive(const char *name)
{
	(void)name;
	return 0;
}

static pid_t *no_qemu(size_t *nr)
{
	*nr = 0;
	return NULL;
}

static const struct host_vms no_vms = { .alive = never_alive, .qemu_pids = no_qemu };

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char toml[] = "thp = \"never\"\nstat_interval = 120\nirq_affinity = \"host\"\n"
				   "governor = \"performance\"\nshield.enable = true\n";
	struct strbuf err = STRBUF_INIT;
	char *run;

	(void)argc;
	(void)argv;
	if (!mkdtemp(dir))
		abort();
	run = xstrfmt("%s/run", dir);
	mkdir(run, 0700);
	setenv("MVLAUNCH_RUNDIR", run, 1);
	setenv("MVLAUNCH_SYSROOT", dir, 1);	/* every sysfs read finds nothing */
	state = xstrfmt("%s/host.json", run);
	free(run);
	host_config_init(&hc);
	if (host_config_parse("host.toml", toml, sizeof(toml) - 1, &hc, &err) < 0 ||
	    host_topo_load_xml(&topo, "tests/unit/data/seed-i5-4c8t.xml", &err) < 0)
		abort();
	strbuf_release(&err);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct err err = ERR_INIT;
	struct host_prep prep;
	json_t *st;
	int fd = open(state, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || write(fd, data, size) != (ssize_t)size) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	close(fd);
	st = host_prep_status(state, &err);
	json_decref(st);
	err_reset(&err);
	/* a dry run: everything computed, nothing written; no VM alive, no QEMU to keep out of the shield */
	host_prep_init(&prep, state, &no_vms, &hc, &topo, 1);
	host_prep_reconcile(&prep, &err);
	host_prep_release(&prep);
	err_release(&err);
	return 0;
}
