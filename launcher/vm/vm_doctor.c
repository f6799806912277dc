/*
 * vm_doctor.c - prove a running VM's tuning is live (see vm_doctor.h).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "launcher/vm/vm_doctor.h"
#include "launcher/host/sysfs.h"
#include "launcher/vm/pin_apply.h"
#include "launcher/vm/vm_load.h"
#include "launcher/vm/vm_map.h"
#include "launcher/vm/vm_state.h"
#include "launcher/vm/vm_status.h"
#include "util/proc.h"
#include "util/size.h"
#include "util/wrapper.h"
#include "util/banned.h"

#define SAMPLE_MS 100

/* One task as one sample saw it */
struct task {
	pid_t tid, pid;
	struct proc_task p;
};

struct tasks {
	struct task *t;
	size_t nr, alloc;
};

/* What ran on the dedicated CPUs, per task, over the window */
struct offender {
	pid_t tid, pid;
	char comm[16];
	int kthread;
	unsigned long long ns;
	struct cpuset cpus;
};

static int read_task(pid_t pid, pid_t tid, struct task *t)
{
	t->pid = pid;
	t->tid = tid;
	return proc_task_sample(pid, tid, &t->p);
}

static int by_tid(const void *a, const void *b)
{
	const struct task *x = a, *y = b;

	return x->tid < y->tid ? -1 : x->tid > y->tid;
}

/* Every task of the host but those of 'skip' (the VM's QEMU) and this process, sorted by tid */
static void sample_tasks(pid_t skip, struct tasks *out)
{
	DIR *d = opendir("/proc");
	struct dirent *de;

	out->nr = 0;
	while (d && (de = readdir(d))) {
		pid_t pid = (pid_t)atoi(de->d_name);
		char path[64];
		DIR *td;
		struct dirent *te;

		if (pid <= 0 || pid == skip || pid == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
		if (!(td = opendir(path)))
			continue;
		while ((te = readdir(td))) {
			pid_t tid = (pid_t)atoi(te->d_name);

			if (tid <= 0)
				continue;
			ALLOC_GROW(out->t, out->nr + 1, out->alloc);
			if (read_task(pid, tid, &out->t[out->nr]) == 0)
				out->nr++;
		}
		closedir(td);
	}
	if (d)
		closedir(d);
	qsort(out->t, out->nr, sizeof(*out->t), by_tid);
}

/* Run time between two samples on the dedicated CPUs, per task (the CPU it was on at the later one) */
static void account(const struct tasks *before, const struct tasks *now, const struct cpuset *dedicated,
		    struct offender **off, size_t *nr_off)
{
	for (size_t i = 0; i < now->nr; i++) {
		const struct task *t = &now->t[i];
		const struct task *b = bsearch(t, before->t, before->nr, sizeof(*t), by_tid);
		size_t k;

		if (!b || t->p.run_ns <= b->p.run_ns || t->p.cpu < 0 || !cpuset_has(dedicated, (unsigned)t->p.cpu))
			continue;
		for (k = 0; k < *nr_off && (*off)[k].tid != t->tid; k++)
			;
		if (k == *nr_off) {
			*off = xrealloc(*off, (*nr_off + 1) * sizeof(**off));
			memset(&(*off)[k], 0, sizeof(**off));
			(*off)[k].tid = t->tid;
			(*off)[k].pid = t->pid;
			(*off)[k].kthread = t->p.kthread;
			memcpy((*off)[k].comm, t->p.comm, sizeof(t->p.comm));
			(*nr_off)++;
		}
		(*off)[k].ns += t->p.run_ns - b->p.run_ns;
		cpuset_set(&(*off)[k].cpus, (unsigned)t->p.cpu);
	}
}

static int by_time(const void *a, const void *b)
{
	const struct offender *x = a, *y = b;

	return x->ns < y->ns ? 1 : x->ns > y->ns ? -1 : 0;
}

/* ---- /proc/interrupts ---- */

struct irq_row {
	char name[64];		/* "24" or "LOC" */
	char desc[96];		/* what the line ends with: "PCI-MSI 49152-edge virtio0-input.0" */
	unsigned long long *count;	/* per CPU column */
};

struct irqs {
	struct irq_row *r;
	size_t nr;
	int *cpu_of;		/* column -> CPU number */
	size_t cols;
	int unreadable;		/* errno of reading /proc/interrupts, 0 when read */
};

static void irqs_release(struct irqs *q)
{
	for (size_t i = 0; i < q->nr; i++)
		free(q->r[i].count);
	free(q->r);
	free(q->cpu_of);
	memset(q, 0, sizeof(*q));
}

static void read_irqs(struct irqs *q)
{
	struct strbuf sb = STRBUF_INIT;
	char *line, *save = NULL;

	memset(q, 0, sizeof(*q));
	if (strbuf_read_file(&sb, "/proc/interrupts", 64 << 20, 0) < 0) {
		q->unreadable = errno ? errno : EIO;
		goto out;
	}
	line = strtok_r(sb.buf, "\n", &save);
	for (char *p = line; p && (p = strstr(p, "CPU")); p += 3) {
		q->cpu_of = xrealloc(q->cpu_of, (q->cols + 1) * sizeof(*q->cpu_of));
		q->cpu_of[q->cols++] = atoi(p + 3);
	}
	while ((line = strtok_r(NULL, "\n", &save))) {
		char *colon = strchr(line, ':'), *p;
		struct irq_row *r;
		size_t c;

		if (!colon)
			continue;
		q->r = xrealloc(q->r, (q->nr + 1) * sizeof(*q->r));
		r = &q->r[q->nr++];
		memset(r, 0, sizeof(*r));
		*colon = 0;
		p = line + strspn(line, " ");
		snprintf(r->name, sizeof(r->name), "%s", p);
		r->count = xcalloc(q->cols ? q->cols : 1, sizeof(*r->count));
		p = colon + 1;
		for (c = 0; c < q->cols; c++) {
			char *end;

			p += strspn(p, " ");
			r->count[c] = strtoull(p, &end, 10);
			if (end == p)
				break;
			p = end;
		}
		p += strspn(p, " ");
		snprintf(r->desc, sizeof(r->desc), "%s", p);
	}
out:
	strbuf_release(&sb);
}

static void check_irqs(struct check_report *r, const struct irqs *a, const struct irqs *b, const struct cpuset *dedicated,
		       const struct cpuset *host_cpus, double secs)
{
	struct strbuf devs = STRBUF_INIT, fix = STRBUF_INIT, local = STRBUF_INIT, hc = STRBUF_INIT;

	if (a->unreadable || b->unreadable || !b->cols) {
		check_add(r, "irqs", CHECK_WARN, NULL, "cannot tell which interrupts reached the dedicated CPUs: "
			  "/proc/interrupts: %s", strerror(a->unreadable ? a->unreadable : b->unreadable ? b->unreadable : EIO));
		return;
	}
	cpuset_format(host_cpus, &hc);
	for (size_t i = 0; i < b->nr && i < a->nr; i++) {
		unsigned long long n = 0;

		if (strcmp(a->r[i].name, b->r[i].name))
			continue;	/* the table changed shape (an IRQ came or went) */
		for (size_t c = 0; c < b->cols && c < a->cols; c++)
			if (b->cpu_of[c] >= 0 && cpuset_has(dedicated, (unsigned)b->cpu_of[c]))
				n += b->r[i].count[c] - a->r[i].count[c];
		if (!n)
			continue;
		if (strspn(b->r[i].name, "0123456789") == strlen(b->r[i].name)) {
			strbuf_addf(&devs, "%sIRQ %s (%s) %llu", devs.len ? ", " : "", b->r[i].name, b->r[i].desc, n);
			strbuf_addf(&fix, "%secho %s > /proc/irq/%s/smp_affinity_list", fix.len ? "; " : "", hc.buf,
				    b->r[i].name);
		} else {
			strbuf_addf(&local, "%s%s %.0f/s", local.len ? ", " : "", b->r[i].name, (double)n / secs);
		}
	}
	if (devs.len) {
		strbuf_addstr(&fix, "\nor irq_affinity = \"host\" in host.toml (up sets it while VMs run)");
		check_add(r, "irqs", CHECK_FAIL, fix.buf, "device interrupts reached the dedicated CPUs: %s", devs.buf);
	} else {
		check_add(r, "irqs", CHECK_PASS, NULL, "no device interrupt reached the dedicated CPUs");
	}
	if (local.len)
		check_add(r, "irqs.local", CHECK_WARN, "nohz_full= with these CPUs on the kernel command line ('mvlaunch plan' "
			  "prints it) stops the tick while one task runs there",
			  "per-CPU interrupts on the dedicated CPUs: %s", local.buf);
	strbuf_release(&devs);
	strbuf_release(&fix);
	strbuf_release(&local);
	strbuf_release(&hc);
}

/* ---- the pieces ---- */

/* Bytes of QEMU's mappings on huge pages (smaps: KernelPageSize >= 2M), and on 4K pages backed by THP */
static void huge_mapped(pid_t pid, uint64_t *huge, uint64_t *thp)
{
	char path[64];
	struct strbuf sb = STRBUF_INIT;
	char *line, *save = NULL;
	uint64_t size = 0;

	*huge = *thp = 0;
	snprintf(path, sizeof(path), "/proc/%d/smaps", (int)pid);
	if (strbuf_read_file(&sb, path, 64 << 20, 0) < 0)
		goto out;
	for (line = strtok_r(sb.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long long kb;

		if (sscanf(line, "Size: %llu kB", &kb) == 1)
			size = (uint64_t)kb << 10;
		else if (sscanf(line, "KernelPageSize: %llu kB", &kb) == 1 && kb >= 2048)
			*huge += size;
		else if (sscanf(line, "AnonHugePages: %llu kB", &kb) == 1)
			*thp += (uint64_t)kb << 10;
	}
out:
	strbuf_release(&sb);
}

/* Touched huge pages per node from numa_maps: "node 0 64M, node 1 64M" */
static void huge_nodes(pid_t pid, struct strbuf *out)
{
	char path[64];
	struct strbuf sb = STRBUF_INIT;
	char *line, *save = NULL;
	uint64_t per[64] = { 0 };

	snprintf(path, sizeof(path), "/proc/%d/numa_maps", (int)pid);
	if (strbuf_read_file(&sb, path, 16 << 20, 0) < 0)
		goto out;
	for (line = strtok_r(sb.buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *k = strstr(line, "kernelpagesize_kB=");
		unsigned long long kb = k ? strtoull(k + 18, NULL, 10) : 0;

		if (kb < 2048)
			continue;
		for (const char *n = strstr(line, " N"); n; n = strstr(n + 2, " N")) {
			int node;
			unsigned long long pages;

			if (sscanf(n, " N%d=%llu", &node, &pages) == 2 && node >= 0 && node < 64)
				per[node] += pages * kb * 1024;
		}
	}
	for (int i = 0; i < 64; i++) {
		if (!per[i])
			continue;
		strbuf_addf(out, "%snode %d ", out->len ? ", " : "", i);
		size_format(per[i], out);
	}
out:
	strbuf_release(&sb);
}

static void check_hugepages(struct check_report *r, const struct vm_config *cfg, pid_t pid)
{
	uint64_t huge, thp, want = 0;
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, nodes = STRBUF_INIT;

	huge_mapped(pid, &huge, &thp);
	if (cfg && vm_config_any_hugepages(cfg)) {
		if (cfg->nr_numa) {
			for (size_t i = 0; i < cfg->nr_numa; i++)
				if (cfg->numa[i].hugepages != HUGEPAGES_NONE)
					want += cfg->numa[i].mem_bytes;
		} else {
			want = cfg->mem_bytes;
		}
	}
	size_format(huge, &a);
	size_format(want, &b);
	huge_nodes(pid, &nodes);
	if (want && huge >= want)
		check_add(r, "hugepages", CHECK_PASS, NULL, "%s of guest RAM on huge pages, as the config asks (touched so far: %s)",
			  a.buf, nodes.len ? nodes.buf : "none");
	else if (want)
		check_add(r, "hugepages", CHECK_FAIL, "'mvlaunch down' and 'up' again; 'mvlaunch check' says whether the pool is there",
			  "only %s of QEMU's memory is on huge pages, the config asks %s", a.buf, b.buf);
	else {
		strbuf_reset(&a);
		size_format(thp, &a);
		check_add(r, "hugepages", CHECK_WARN, "hugepages = \"2M\" in [memory] (or \"1G\"): fewer TLB misses for the guest",
			  "guest RAM on 4K pages (no hugepages asked; transparent huge pages back %s)", a.buf);
	}
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&nodes);
}

/* halt_exits of the VM's KVM debugfs directory (/sys/kernel/debug/kvm/PID-FD/), -1 when not there */
static long long halt_exits(pid_t pid)
{
	char *root = sysfs_path("/sys/kernel/debug/kvm");
	DIR *d = opendir(root);
	struct dirent *de;
	long long n = -1;
	char prefix[32];

	snprintf(prefix, sizeof(prefix), "%d-", (int)pid);
	while (d && (de = readdir(d))) {
		if (!strncmp(de->d_name, prefix, strlen(prefix))) {
			char *p = xstrfmt("%s/%s/halt_exits", root, de->d_name);
			struct strbuf sb = STRBUF_INIT;

			if (strbuf_read_file(&sb, p, 64, 0) >= 0)
				n = atoll(sb.buf);
			strbuf_release(&sb);
			free(p);
			break;
		}
	}
	if (d)
		closedir(d);
	free(root);
	return n;
}

int vm_doctor(const char *name, const struct vm_doctor_opts *o, struct check_report *r, struct err *err)
{
	struct vm_state st;
	struct vm_config cfg;
	int loaded, samples = o->window_ms / SAMPLE_MS, off_pin = 0;
	struct tasks before = { 0 }, now = { 0 };
	struct offender *off = NULL;
	size_t nr_off = 0;
	struct irqs irq_a, irq_b;
	struct cpuset dedicated, host_cpus, off_cpus;
	struct timespec nap = { 0, SAMPLE_MS * 1000000L }, t0, t1;
	long long hlt0 = -1, hlt1 = -1;
	double secs;
	unsigned long long *vcpu_ran;

	if (!vm_state_load_running(name, &st)) {
		strbuf_addf(&err->msg, "'%s' is not running (or its state.json is unreadable)", name);
		err_hintf(err, "start it with 'mvlaunch up %s'", name);
		return -1;
	}
	loaded = vm_load(st.config, o->dirs, &cfg, err) == 0;
	err_reset(err);
	if (samples < 1)
		samples = 1;
	cpuset_zero(&dedicated);
	if (st.dedicated)
		dedicated = st.owned;
	/* the CPUs IRQs belong on: every online CPU no VM owns */
	{
		struct strbuf on = STRBUF_INIT, why = STRBUF_INIT;

		cpuset_zero(&host_cpus);
		if (sysfs_read("/sys/devices/system/cpu/online", &on, NULL) == 0)
			cpuset_parse(&host_cpus, on.buf, &why);
		strbuf_release(&on);
		strbuf_release(&why);
	}
	{
		/* where IRQs and stray tasks belong: CPUs no running VM owns */
		struct vm_map m = VM_MAP_INIT;

		vm_map_add_running(&m, NULL, 0);
		for (size_t i = 0; i < m.nr; i++)
			cpuset_andnot(&host_cpus, &m.vms[i].owned);
		vm_map_release(&m);
	}
	cpuset_andnot(&host_cpus, &dedicated);
	cpuset_zero(&off_cpus);

	vm_status_refresh_threads(&st);
	vcpu_ran = xcalloc(st.threads.nr ? st.threads.nr : 1, sizeof(*vcpu_ran));
	for (size_t i = 0; i < st.threads.nr; i++) {
		struct task v;

		if (read_task(st.pid, st.threads.t[i].tid, &v) == 0)
			vcpu_ran[i] = v.p.run_ns;
	}
	if (loaded && cfg.cpu_pm == 1 && cfg.accel == ACCEL_KVM)
		hlt0 = halt_exits(st.pid);
	read_irqs(&irq_a);
	sample_tasks(st.pid, &before);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int s = 0; s < samples; s++) {
		struct tasks *swap;

		while (nanosleep(&nap, &nap) < 0 && errno == EINTR)
			;
		nap.tv_nsec = SAMPLE_MS * 1000000L;
		/* the vCPUs: on their pins at every look where they ran (the last CPU of one that slept is old news) */
		for (size_t i = 0; i < st.threads.nr; i++) {
			const struct vm_thread *t = &st.threads.t[i];
			struct task v;

			if (t->role != ROLE_VCPU || read_task(st.pid, t->tid, &v) < 0)
				continue;
			if (vcpu_ran[i] != v.p.run_ns && vcpu_ran[i] && v.p.cpu >= 0 && !cpuset_has(&t->planned, (unsigned)v.p.cpu)) {
				off_pin++;
				cpuset_set(&off_cpus, (unsigned)v.p.cpu);
			}
			vcpu_ran[i] = v.p.run_ns;
		}
		if (!cpuset_empty(&dedicated)) {
			sample_tasks(st.pid, &now);
			account(&before, &now, &dedicated, &off, &nr_off);
			swap = &before;
			{
				struct tasks tmp = *swap;

				*swap = now;
				now = tmp;
			}
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	read_irqs(&irq_b);
	if (hlt0 >= 0)
		hlt1 = halt_exits(st.pid);

	/* 1: the pins held */
	pin_apply_read_back(&st.threads);
	{
		struct strbuf drift = STRBUF_INIT, l = STRBUF_INIT;

		for (size_t i = 0; i < st.threads.nr; i++) {
			const struct vm_thread *t = &st.threads.t[i];

			if (t->role == ROLE_VCPU && !cpuset_equal(&t->planned, &t->actual)) {
				strbuf_reset(&l);
				cpuset_format(&t->actual, &l);
				strbuf_addf(&drift, "%svcpu%d on %s", drift.len ? ", " : "", t->index, l.buf);
			}
		}
		strbuf_reset(&l);
		cpuset_format(&off_cpus, &l);
		if (off_pin)
			strbuf_addf(&drift, "%sseen %d time%s on CPU %s", drift.len ? "; " : "", off_pin, off_pin == 1 ? "" : "s",
				    l.buf);
		if (drift.len) {
			char *fix = xstrfmt("'mvlaunch repin %s' puts them back; 'mvlaunch map' shows who else is there", name);

			check_add(r, "pins", CHECK_FAIL, fix, "vCPUs left their pins: %s", drift.buf);
			free(fix);
		} else {
			check_add(r, "pins", CHECK_PASS, NULL, "every vCPU ran only on its pinned CPUs (%d looks in %.1f s)",
				  samples, secs);
		}
		strbuf_release(&drift);
		strbuf_release(&l);
	}

	/* 2: nothing else ran on the dedicated CPUs */
	if (cpuset_empty(&dedicated)) {
		check_add(r, "dedicated", CHECK_PASS, NULL, "the VM owns no CPUs (not dedicated): it shares CPUs by design");
	} else {
		struct strbuf users = STRBUF_INIT, kern = STRBUF_INIT, l = STRBUF_INIT, hc = STRBUF_INIT, fix = STRBUF_INIT;
		int shown = 0, kshown = 0;

		qsort(off, nr_off, sizeof(*off), by_time);
		cpuset_format(&host_cpus, &hc);
		for (size_t i = 0; i < nr_off; i++) {
			struct strbuf *sb = off[i].kthread ? &kern : &users;
			int *n = off[i].kthread ? &kshown : &shown;

			if (*n >= 5)
				continue;
			strbuf_reset(&l);
			cpuset_format(&off[i].cpus, &l);
			strbuf_addf(sb, "%s%s (pid %d, tid %d) %.1f ms on CPU %s", sb->len ? ", " : "", off[i].comm,
				    (int)off[i].pid, (int)off[i].tid, (double)off[i].ns / 1e6, l.buf);
			if (!off[i].kthread && *n == 0)
				strbuf_addf(&fix, "taskset -a -p -c %s %d (and find what put it there)", hc.buf, (int)off[i].pid);
			(*n)++;
		}
		strbuf_reset(&l);
		cpuset_format(&dedicated, &l);
		if (users.len)
			check_add(r, "dedicated", CHECK_FAIL, fix.buf, "other tasks ran on the dedicated CPUs %s: %s", l.buf,
				  users.buf);
		else
			check_add(r, "dedicated", CHECK_PASS, NULL, "no other task ran on the dedicated CPUs %s", l.buf);
		if (kern.len)
			check_add(r, "dedicated.kernel", CHECK_WARN, "isolcpus= nohz_full= rcu_nocbs= on the kernel command "
				  "line ('mvlaunch plan' prints it) keep most of them away",
				  "kernel threads ran on the dedicated CPUs: %s", kern.buf);
		strbuf_release(&users);
		strbuf_release(&kern);
		strbuf_release(&l);
		strbuf_release(&hc);
		strbuf_release(&fix);
		/* 3: interrupts, 4: the governor */
		check_irqs(r, &irq_a, &irq_b, &dedicated, &host_cpus, secs > 0 ? secs : 1);
		check_governor(r, &dedicated);
	}

	/* 5: huge pages under the guest */
	check_hugepages(r, loaded ? &cfg : NULL, st.pid);

	/* 6: cpu_pm: no HLT exits */
	if (loaded && cfg.cpu_pm == 1) {
		if (cfg.accel != ACCEL_KVM)
			check_add(r, "cpu-pm", CHECK_PASS, NULL, "TCG: cpu_pm has no effect and there are no KVM exits to count");
		else if (hlt0 < 0 || hlt1 < 0)
			check_add(r, "cpu-pm", CHECK_WARN, "mount -t debugfs none /sys/kernel/debug",
				  "cannot tell whether HLT still exits: KVM's statistics are in debugfs, which is not mounted");
		else if (hlt1 > hlt0)
			check_add(r, "cpu-pm", CHECK_FAIL, "'mvlaunch check' shows whether KVM offers KVM_CAP_X86_DISABLE_EXITS",
				  "the vCPUs exited on HLT %lld times in %.1f s: cpu_pm is not in effect", hlt1 - hlt0, secs);
		else
			check_add(r, "cpu-pm", CHECK_PASS, NULL, "no HLT exit in %.1f s: the guest idles on its CPUs", secs);
	}
	free(vcpu_ran);
	free(before.t);
	free(now.t);
	free(off);
	irqs_release(&irq_a);
	irqs_release(&irq_b);
	vm_config_release(&cfg);
	vm_state_release(&st);
	return 0;
}
