/*
 * check_host.c - host-wide checks: /dev/kvm and its capabilities, KSM, THP,
 * the cpufreq governor; and reading CPU lists off the kernel command line.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "launcher/check/check.h"
#include "launcher/host/sysfs.h"
#include "util/wrapper.h"
#include "util/banned.h"

static const struct { int bit; const char *name; } exit_names[] = {
	{ KVM_X86_DISABLE_EXITS_MWAIT, "MWAIT" }, { KVM_X86_DISABLE_EXITS_HLT, "HLT" },
	{ KVM_X86_DISABLE_EXITS_PAUSE, "PAUSE" }, { KVM_X86_DISABLE_EXITS_CSTATE, "CSTATE" },
};

int check_host_kvm_caps(struct kvm_caps *caps, struct strbuf *err)
{
	char *path = sysfs_path("/dev/kvm");
	int fd = open(path, O_RDWR | O_CLOEXEC), api, ret = -1;

	memset(caps, 0, sizeof(*caps));
	if (fd < 0) {
		strbuf_addf(err, "cannot open %s: %s", path, strerror(errno));
		goto out;
	}
	api = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (api != KVM_API_VERSION) {
		strbuf_addf(err, "%s is not a usable KVM device (KVM_GET_API_VERSION: %s)", path,
			    api < 0 ? strerror(errno) : "unexpected version");
		ret = KVM_NOT_KVM;
		goto out;
	}
	caps->usable = 1;
	api = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_X86_DISABLE_EXITS);
	caps->disable_exits = api > 0 ? api : 0;
	caps->halt_poll = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_HALT_POLL) > 0;
	caps->smm = ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_X86_SMM) > 0;
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	free(path);
	return ret;
}

void check_kvm(struct check_report *r, int need, struct kvm_caps *caps)
{
	struct strbuf have = STRBUF_INIT, lack = STRBUF_INIT, err = STRBUF_INIT;

	int rc = check_host_kvm_caps(caps, &err);

	if (rc < 0) {
		check_add(r, "kvm", need ? CHECK_FAIL : CHECK_WARN,
			  rc == KVM_NOT_KVM ? "check that /dev/kvm is the KVM device (char 10:232)" :
			  "load KVM ('modprobe kvm_intel' or 'modprobe kvm_amd'), turn on VT-x/AMD-V in the firmware, "
			  "and run mvlaunch as root (or in group kvm)", "%s", err.buf);
		goto out;
	}
	check_add(r, "kvm", CHECK_PASS, NULL, "/dev/kvm usable (KVM API %d)", KVM_API_VERSION);
	for (size_t i = 0; i < sizeof(exit_names) / sizeof(exit_names[0]); i++)
		strbuf_addf(caps->disable_exits & exit_names[i].bit ? &have : &lack, " %s", exit_names[i].name);
	if (!caps->disable_exits)
		check_add(r, "kvm.disable-exits", CHECK_WARN,
			  "a kernel with KVM_CAP_X86_DISABLE_EXITS (Linux 5.x or newer), or cpu_pm = false in the VMs",
			  "KVM_CAP_X86_DISABLE_EXITS is missing: cpu_pm = true cannot work on this host");
	else
		check_add(r, "kvm.disable-exits", CHECK_PASS, NULL,
			  "KVM_CAP_X86_DISABLE_EXITS: the guest may keep%s%s%s", have.buf,
			  lack.len ? " in place; still trapped:" : "", lack.buf);
	if (caps->halt_poll)
		check_add(r, "kvm.halt-poll", CHECK_PASS, NULL, "KVM_CAP_HALT_POLL: halt polling can be tuned per VM");
	else
		check_add(r, "kvm.halt-poll", CHECK_WARN, "a newer kernel (KVM_CAP_HALT_POLL came with Linux 5.14)",
			  "KVM_CAP_HALT_POLL is missing: halt polling is host-wide only "
			  "(/sys/module/kvm/parameters/halt_poll_ns)");
out:
	strbuf_release(&have);
	strbuf_release(&lack);
	strbuf_release(&err);
}

void check_host_knobs(struct check_report *r, const struct cpuset *cpus)
{
	struct strbuf v = STRBUF_INIT, slow = STRBUF_INIT;
	struct cpuset all;
	char *a, *b;

	if (sysfs_read("/sys/kernel/mm/ksm/run", &v, NULL) == 0 && !strcmp(v.buf, "1"))
		check_add(r, "ksm", CHECK_WARN, "ksm = false in host.toml (or: echo 0 > /sys/kernel/mm/ksm/run)",
			  "KSM is merging pages: identical guest pages are shared across VMs, a timing side channel "
			  "that lets one guest learn what another has in memory");
	else
		check_add(r, "ksm", CHECK_PASS, NULL, "KSM is not merging pages");

	if (sysfs_read("/sys/kernel/mm/transparent_hugepage/enabled", &v, NULL) == 0 && (a = strchr(v.buf, '[')) &&
	    (b = strchr(a, ']'))) {
		*b = '\0';
		if (!strcmp(a + 1, "always"))
			check_add(r, "thp", CHECK_WARN, "thp = \"never\" in host.toml, and hugepages = \"2M\" or \"1G\" "
				  "in the VMs' [memory]", "transparent hugepages are 'always': khugepaged scans and "
				  "compacts behind the guests' backs and adds latency");
		else
			check_add(r, "thp", CHECK_PASS, NULL, "transparent hugepages are '%s'", a + 1);
	}

	if (!cpus || cpuset_empty(cpus)) {
		cpuset_zero(&all);
		if (sysfs_read("/sys/devices/system/cpu/online", &v, NULL) == 0)
			cpuset_parse(&all, v.buf, &slow);
		strbuf_reset(&slow);
		cpus = &all;
	}
	check_governor(r, cpus);
	strbuf_release(&v);
	strbuf_release(&slow);
}

void check_governor(struct check_report *r, const struct cpuset *cpus)
{
	struct strbuf v = STRBUF_INIT, slow = STRBUF_INIT;
	int seen = 0;

	for (int c = cpuset_next(cpus, 0); c >= 0; c = cpuset_next(cpus, (unsigned)c + 1)) {
		char *p = xstrfmt("/sys/devices/system/cpu/cpu%d/cpufreq/scaling_governor", c);

		if (sysfs_read(p, &v, NULL) == 0) {
			seen = 1;
			if (strcmp(v.buf, "performance"))
				strbuf_addf(&slow, "%s%d (%s)", slow.len ? ", " : "", c, v.buf);
		}
		free(p);
	}
	if (!seen)
		check_add(r, "governor", CHECK_PASS, NULL, "no cpufreq here: the firmware or hypervisor sets the clock");
	else if (slow.len)
		check_add(r, "governor", CHECK_WARN, "governor = \"performance\" in host.toml (applied while VMs run)",
			  "CPUs not on the performance governor: %s; vCPUs pay for clock ramp-up after every idle period", slow.buf);
	else
		check_add(r, "governor", CHECK_PASS, NULL, "the CPUs run the performance governor");
	strbuf_release(&v);
	strbuf_release(&slow);
}

int check_host_cmdline_cpus(const char *cmdline, const char *param, struct cpuset *cpus)
{
	size_t n = strlen(param);
	int found = 0;

	cpuset_zero(cpus);
	for (const char *p = cmdline; *p;) {
		const char *end = p + strcspn(p, " \t\n");

		if ((size_t)(end - p) > n && !strncmp(p, param, n) && p[n] == '=') {
			/* flags (letters) and CPU lists, comma-separated: keep the lists */
			char *val = xstrndup(p + n + 1, (size_t)(end - p - (long)n - 1)), *save = NULL;
			struct strbuf e = STRBUF_INIT;

			found = 1;
			cpuset_zero(cpus);	/* the last one counts, as for the kernel */
			for (char *tok = strtok_r(val, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
				struct cpuset one;

				if (tok[0] >= '0' && tok[0] <= '9' && cpuset_parse(&one, tok, &e) == 0)
					cpuset_or(cpus, &one);
				strbuf_reset(&e);
			}
			strbuf_release(&e);
			free(val);
		} else if ((size_t)(end - p) == n && !strncmp(p, param, n)) {
			found = 1;	/* "rcu_nocbs" alone: every CPU, on newer kernels */
			cpuset_zero(cpus);
			for (unsigned c = 0; c < CPUSET_MAX; c++)
				cpuset_set(cpus, c);
		}
		if (!strncmp(p, "--", 2) && (end - p) == 2)
			break;	/* the rest goes to init */
		p = end + strspn(end, " \t\n");
	}
	return found;
}

void check_floating(struct check_report *r, const struct check_running *vms, size_t n)
{
	int floaters = 0, bad = 0;

	for (size_t i = 0; i < n; i++) {
		struct cpuset pool;

		if (cpuset_empty(&vms[i].floating))
			continue;
		floaters++;
		cpuset_zero(&pool);
		for (size_t j = 0; j < n; j++)	/* what it may use: what no other VM owns */
			if (j != i)
				cpuset_or(&pool, &vms[j].owned);
		for (size_t j = 0; j < n; j++) {
			struct cpuset clash = vms[i].floating;
			struct strbuf on = STRBUF_INIT, c = STRBUF_INIT, fix = STRBUF_INIT;
			struct cpuset allowed = vms[i].floating;

			if (j == i)
				continue;
			cpuset_and(&clash, &vms[j].owned);
			if (cpuset_empty(&clash))
				continue;
			bad = 1;
			cpuset_andnot(&allowed, &pool);
			cpuset_format_label(&vms[i].floating, &on);
			cpuset_format_label(&clash, &c);
			if (cpuset_empty(&allowed))
				strbuf_addf(&fix, "stop '%s' or '%s': every CPU '%s' floats over is owned", vms[i].name,
					    vms[j].name, vms[i].name);
			else {
				strbuf_addstr(&fix, "taskset -a -p -c ");
				cpuset_format(&allowed, &fix);
				strbuf_addf(&fix, " %d ('mvlaunch up' and 'down' move floating VMs off dedicated CPUs; "
					    "something else moved this one)", (int)vms[i].pid);
			}
			check_add(r, "floating", CHECK_WARN, fix.buf, "'%s' floats over %s, and %s %s owned by the dedicated "
				  "VM '%s': its threads compete with that VM's vCPUs", vms[i].name, on.buf, c.buf,
				  cpuset_count(&clash) == 1 ? "is" : "are", vms[j].name);
			strbuf_release(&on);
			strbuf_release(&c);
			strbuf_release(&fix);
		}
	}
	if (floaters && !bad)
		check_add(r, "floating", CHECK_PASS, NULL, "%d floating VM%s, none on a dedicated VM's CPUs", floaters,
			  floaters == 1 ? "" : "s");
}
