/*
 * pin_plan.c - pin plans from explicit config pins (see pin_plan.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pin_plan.h"
#include "../util/wrapper.h"
#include "../util/banned.h"

static int check_online(const struct vm_config *cfg, const char *loc_key, const char *shown,
			const struct cpuset *set, const struct cpuset *online, struct strbuf *err)
{
	struct config_loc loc = vm_config_loc(cfg, loc_key);
	struct strbuf on = STRBUF_INIT;

	for (int c = cpuset_next(set, 0); c >= 0; c = cpuset_next(set, (unsigned)c + 1)) {
		if (cpuset_has(online, (unsigned)c))
			continue;
		if (err->len)
			strbuf_addch(err, '\n');
		cpuset_format(online, &on);
		if (loc.line)
			strbuf_addf(err, "%s:%d:%d: ", cfg->file, loc.line, loc.col);
		else
			strbuf_addf(err, "%s: ", cfg->file);
		strbuf_addf(err, "key '%s': CPU %d is not online (online: %s)", shown, c, on.buf);
		strbuf_release(&on);
		return -1;
	}
	return 0;
}

int pin_plan_from_config(const struct vm_config *cfg, const struct cpuset *online,
			 struct pin_plan *plan, struct strbuf *err)
{
	int ret = 0;

	memset(plan, 0, sizeof(*plan));
	if (cfg->pin_auto) {
		struct config_loc loc = vm_config_loc(cfg, "pinning.vcpus");

		strbuf_addf(err, "%s:%d:%d: key 'pinning.vcpus': \"auto\" needs the topology planner, which this "
			    "version does not have yet; give one CPU list per vCPU", cfg->file, loc.line, loc.col);
		return -1;
	}
	plan->nr_vcpus = cfg->vcpus;
	plan->vcpu = xcalloc(cfg->vcpus, sizeof(*plan->vcpu));
	plan->realtime = cfg->realtime == 1;
	plan->emulator = cfg->has_emulator_pin ? cfg->emulator_pin : *online;
	plan->iothread = cfg->has_iothread_pin ? cfg->iothread_pin : plan->emulator;
	for (unsigned i = 0; i < cfg->vcpus; i++) {
		plan->vcpu[i] = cfg->vcpu_pins ? cfg->vcpu_pins[i] : *online;
		if (cfg->vcpu_pins) {
			char *shown = xstrfmt("pinning.vcpus[%u]", i);

			if (check_online(cfg, "pinning.vcpus", shown, &plan->vcpu[i], online, err) < 0)
				ret = -1;
			free(shown);
		}
	}
	if (cfg->has_emulator_pin &&
	    check_online(cfg, "pinning.emulator", "pinning.emulator", &plan->emulator, online, err) < 0)
		ret = -1;
	if (cfg->has_iothread_pin &&
	    check_online(cfg, "pinning.iothreads", "pinning.iothreads", &plan->iothread, online, err) < 0)
		ret = -1;
	if (ret < 0)
		pin_plan_release(plan);
	return ret;
}

void pin_plan_release(struct pin_plan *plan)
{
	free(plan->vcpu);
	plan->vcpu = NULL;
	plan->nr_vcpus = 0;
}

int host_online_cpus(struct cpuset *set, struct strbuf *err)
{
	const char *path = "/sys/devices/system/cpu/online";
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		strbuf_addf(err, "cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0) {
		strbuf_addf(err, "cannot read '%s'", path);
		return -1;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (cpuset_parse(set, buf, err) < 0) {
		strbuf_addf(err, " (in '%s')", path);
		return -1;
	}
	return 0;
}
