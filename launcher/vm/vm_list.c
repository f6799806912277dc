/*
 * vm_list.c - every VM at a glance (see vm_list.h).
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "launcher/vm/vm_list.h"
#include "launcher/host/sysfs.h"
#include "launcher/vm/runtime.h"
#include "launcher/vm/vm_load.h"
#include "launcher/vm/vm_status.h"
#include "util/cpuset.h"
#include "util/wrapper.h"
#include "util/banned.h"

int vm_list_autostart(const char *name)
{
	char *dir = sysfs_path("/etc/systemd/system");
	char *unit = xstrfmt("mvlaunch@%s.service", name);
	DIR *d = opendir(dir);
	struct dirent *de;
	int found = 0;

	while (d && !found && (de = readdir(d))) {
		size_t len = strlen(de->d_name);
		struct stat st;
		char *p;

		if (len < 6 || strcmp(de->d_name + len - 6, ".wants"))
			continue;
		p = xstrfmt("%s/%s/%s", dir, de->d_name, unit);
		found = lstat(p, &st) == 0;
		free(p);
	}
	if (d)
		closedir(d);
	free(unit);
	free(dir);
	return found;
}

/* What cfg asks for its vCPUs: "auto", "4-7", "floating" */
static char *config_pins(const struct vm_config *cfg)
{
	struct cpuset all;
	struct strbuf sb = STRBUF_INIT;

	if (cfg->pin_auto)
		return xstrdup(cfg->pin_policy == POLICY_SHARED ? "auto (shared)" : "auto");
	if (!cfg->vcpu_pins)
		return xstrdup("floating");
	cpuset_zero(&all);
	for (size_t i = 0; i < cfg->nr_vcpu_pins; i++)
		cpuset_or(&all, &cfg->vcpu_pins[i]);
	cpuset_format(&all, &sb);
	return strbuf_detach(&sb);
}

/* What a running VM holds: its vCPUs' pins as applied */
static char *running_pins(const struct vm_status *s)
{
	struct cpuset all;
	struct strbuf sb = STRBUF_INIT;
	int any = 0;

	cpuset_zero(&all);
	for (size_t i = 0; i < s->st.threads.nr; i++) {
		if (s->st.threads.t[i].role == ROLE_VCPU) {
			cpuset_or(&all, &s->st.threads.t[i].planned);
			any = 1;
		}
	}
	if (!any)
		return xstrdup("-");
	strbuf_addstr(&sb, s->st.dedicated ? "dedicated " : "");
	cpuset_format(&all, &sb);
	return strbuf_detach(&sb);
}

static struct vm_list_entry *find(struct vm_list_entry *e, size_t nr, const char *name)
{
	for (size_t i = 0; i < nr; i++)
		if (!strcmp(e[i].name, name))
			return &e[i];
	return NULL;
}

static struct vm_list_entry *add(struct vm_list_entry **e, size_t *nr, const char *name)
{
	struct vm_list_entry *n;

	*e = xrealloc(*e, (*nr + 1) * sizeof(**e));
	n = &(*e)[(*nr)++];
	memset(n, 0, sizeof(*n));
	n->name = xstrdup(name);
	n->vcpus = -1;
	n->uptime_s = -1;
	n->autostart = vm_list_autostart(name);
	return n;
}

/* vCPUs and memory from the config (for a running VM, the file it was started from) */
static void fill_config(struct vm_list_entry *n, const char *config, const struct vm_dirs *dirs, int pins)
{
	struct vm_config cfg;
	struct err err = ERR_INIT;

	if (vm_load(config, dirs, &cfg, &err) == 0) {
		n->vcpus = (int)cfg.vcpus;
		n->memory_bytes = cfg.mem_bytes;
		if (pins)
			n->pins = config_pins(&cfg);
	} else {
		n->error = strbuf_detach(&err.msg);
		if (pins)
			n->pins = xstrdup("-");
	}
	vm_config_release(&cfg);
	err_release(&err);
}

struct gather {
	struct vm_list_entry **e;
	size_t *nr;
	const struct vm_dirs *dirs;
};

static int gather_running(const char *name, void *data)
{
	struct gather *g = data;
	struct vm_list_entry *n = add(g->e, g->nr, name);
	struct vm_status s;

	vm_status_read(name, &s);
	/* 'up --paused' leaves QEMU in "prelaunch": paused, to anyone reading a list */
	n->state = xstrdup(!strcmp(s.state, "prelaunch") ? "paused" : s.state);
	if (s.running) {
		n->pid = s.st.pid;
		n->uptime_s = s.uptime_s;
	}
	n->pins = running_pins(&s);
	fill_config(n, s.st.config ? s.st.config : name, g->dirs, 0);
	if (s.st.threads.nr) {	/* what it runs with, not what the file says now */
		n->vcpus = 0;
		for (size_t i = 0; i < s.st.threads.nr; i++)
			n->vcpus += s.st.threads.t[i].role == ROLE_VCPU;
	}
	vm_status_release(&s);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct vm_list_entry *)a)->name, ((const struct vm_list_entry *)b)->name);
}

size_t vm_list(const struct vm_dirs *dirs, int all, struct vm_list_entry **out)
{
	struct vm_list_entry *e = NULL;
	size_t nr = 0;
	struct gather g = { &e, &nr, dirs };

	runtime_for_each(gather_running, &g);
	if (all) {
		DIR *d = opendir(paths_vms_dir(dirs));
		struct dirent *de;

		while (d && (de = readdir(d))) {
			size_t len = strlen(de->d_name);
			char *name;

			if (de->d_name[0] == '.' || len <= 5 || strcmp(de->d_name + len - 5, ".toml") ||
			    !strcmp(de->d_name, "host.toml"))
				continue;
			name = xstrndup(de->d_name, len - 5);
			if (!find(e, nr, name)) {
				struct vm_list_entry *n = add(&e, &nr, name);

				n->state = xstrdup("stopped");
				fill_config(n, name, dirs, 1);
			}
			free(name);
		}
		if (d)
			closedir(d);
	}
	if (nr)
		qsort(e, nr, sizeof(*e), by_name);
	*out = e;
	return nr;
}

void vm_list_free(struct vm_list_entry *e, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		free(e[i].name);
		free(e[i].state);
		free(e[i].pins);
		free(e[i].error);
	}
	free(e);
}
