/*
 * qemu_argv.c - struct vm_config -> qemu-system-x86_64 argv (see qemu_argv.h).
 *
 * Every mapping follows ../shared/qemu-reference.md (QEMU 7.2, checked on
 * the development machine). Two rules keep config values from injecting
 * options (reference section 13):
 *   - -object, -device, -blockdev and -netdev are written in QEMU's JSON
 *     syntax, built with jansson, so no value needs escaping;
 *   - the options that stay key=value (-name, -machine, -rtc, -chardev)
 *     get every user value through qemu_argv_escape(), and the values that
 *     name things (features, models) are validated to a safe alphabet by
 *     vm_config.c before they get here;
 *   - -cpu is different: QEMU 7.2 splits it at every comma and knows no
 *     ",," escape (tests/e2e/t2002 showed "a,,kvm=off" turn into kvm=off),
 *     so vm_config.c refuses commas in the one free-text -cpu value,
 *     hyperv.vendor_id, and nothing here escapes -cpu values.
 * The order follows libvirt 9.0's, so argv dumps of both can be compared.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "launcher/qemu/qemu_argv.h"
#include "util/wrapper.h"
#include "util/banned.h"

struct builder {
	const struct vm_config *cfg;
	const struct pin_plan *plan;
	struct strvec *argv;
	struct strvec *warnings;
	struct strbuf *err;
	int failed;
	unsigned sockets, dies, cores, threads;	/* the guest topology (-smp) */
	const struct plan_numa *cells;		/* the guest NUMA nodes (-numa) */
	size_t nr_cells;
};

char *qemu_argv_escape(const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	for (; *s; s++) {
		strbuf_addch(&sb, *s);
		if (*s == ',')
			strbuf_addch(&sb, ',');
	}
	return strbuf_detach(&sb);
}

char *qemu_argv_nvram_path(const struct vm_config *cfg, const char *state_dir)
{
	if (cfg->nvram)
		return xstrdup(cfg->nvram);
	return xstrfmt("%s/%s/OVMF_VARS.fd", state_dir ? state_dir : "/var/lib/mvlaunch", cfg->name);
}

char *qemu_argv_default_mac(const char *name, size_t index)
{
	uint32_t h = 2166136261u;	/* FNV-1a */

	for (const char *p = name; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	h = (h ^ (uint32_t)index) * 16777619u;
	return xstrfmt("52:54:00:%02x:%02x:%02x", (h >> 16) & 0xff, (h >> 8) & 0xff, h & 0xff);
}

/* json_string() refuses invalid UTF-8: report it instead of crashing. */
static json_t *jstr(struct builder *b, const char *what, const char *s)
{
	json_t *j = json_string(s);

	if (!j) {
		if (!b->failed)
			strbuf_addf(b->err, "%s '%s' is not valid UTF-8, which QEMU's JSON options cannot carry", what, s);
		b->failed = 1;
		j = json_null();
	}
	return j;
}

/* Push "-opt" and the compact JSON of obj; takes obj. */
static void push_json(struct builder *b, const char *opt, json_t *obj)
{
	char *s = json_dumps(obj, JSON_COMPACT);

	strvec_push(b->argv, opt);
	strvec_push_nodup(b->argv, s ? s : xstrdup("{}"));
	json_decref(obj);
}

static void note(struct builder *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct builder *b, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	if (!b->warnings)
		return;
	strbuf_addf(&sb, "%s: ", b->cfg->file);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	strvec_push_nodup(b->warnings, strbuf_detach(&sb));
}

static void add_onoff(struct strbuf *sb, const char *key, int tri)
{
	if (tri != TRI_UNSET)
		strbuf_addf(sb, ",%s=%s", key, tri ? "on" : "off");
}

static void build_runtime_head(struct builder *b, const struct qemu_runtime *rt)
{
	char *name = qemu_argv_escape(b->cfg->name);

	strvec_push(b->argv, "-name");
	strvec_pushf(b->argv, "guest=%s,debug-threads=on", name);
	free(name);
	if (rt && rt->run_dir)
		strvec_push(b->argv, "-S");
	strvec_pushl(b->argv, "-no-user-config", "-nodefaults", "-display", "none", "-msg", "timestamp=on", NULL);
	if (rt && rt->run_dir) {
		char *dir = qemu_argv_escape(rt->run_dir);

		strvec_push(b->argv, "-chardev");
		if (rt->qmp_fd > 0)
			strvec_pushf(b->argv, "socket,id=qmp,fd=%d,server=on,wait=off", rt->qmp_fd);
		else
			strvec_pushf(b->argv, "socket,id=qmp,path=%s/qmp.sock,server=on,wait=off", dir);
		strvec_pushl(b->argv, "-mon", "chardev=qmp,mode=control", NULL);
		strvec_push(b->argv, "-pidfile");
		strvec_pushf(b->argv, "%s/qemu.pid", rt->run_dir);	/* a raw argument: no escaping */
		strvec_push(b->argv, "-chardev");
		if (rt->log_dir) {
			char *log = qemu_argv_escape(rt->log_dir);

			strvec_pushf(b->argv, "socket,id=serial0,path=%s/serial.sock,server=on,wait=off,logfile=%s/serial.log",
				     dir, log);
			free(log);
		} else {
			strvec_pushf(b->argv, "socket,id=serial0,path=%s/serial.sock,server=on,wait=off", dir);
		}
		strvec_pushl(b->argv, "-serial", "chardev:serial0", NULL);
		if (rt->log_dir) {
			/* QEMU's events, logged by QEMU: a monitor reading RUN/events.in, writing RUN/events.out */
			strvec_push(b->argv, "-chardev");
			strvec_pushf(b->argv, "pipe,id=events,path=%s/events", dir);
			strvec_pushl(b->argv, "-mon", "chardev=events,mode=control", NULL);
		}
		free(dir);
	}
}

static void build_firmware(struct builder *b, const struct qemu_runtime *rt)
{
	const struct vm_config *cfg = b->cfg;
	char *vars;
	json_t *o;

	if (cfg->firmware != FW_UEFI)
		return;
	vars = qemu_argv_nvram_path(cfg, rt ? rt->state_dir : NULL);
	o = json_object();
	json_object_set_new(o, "driver", json_string("file"));
	json_object_set_new(o, "filename", jstr(b, "machine.ovmf_code", cfg->ovmf_code));
	json_object_set_new(o, "node-name", json_string("fw-code-file"));
	json_object_set_new(o, "read-only", json_true());
	push_json(b, "-blockdev", o);
	o = json_object();
	json_object_set_new(o, "driver", json_string("raw"));
	json_object_set_new(o, "file", json_string("fw-code-file"));
	json_object_set_new(o, "node-name", json_string("fw-code"));
	json_object_set_new(o, "read-only", json_true());
	push_json(b, "-blockdev", o);
	o = json_object();
	json_object_set_new(o, "driver", json_string("file"));
	json_object_set_new(o, "filename", jstr(b, "machine.nvram", vars));
	json_object_set_new(o, "node-name", json_string("fw-vars-file"));
	push_json(b, "-blockdev", o);
	o = json_object();
	json_object_set_new(o, "driver", json_string("raw"));
	json_object_set_new(o, "file", json_string("fw-vars-file"));
	json_object_set_new(o, "node-name", json_string("fw-vars"));
	push_json(b, "-blockdev", o);
	free(vars);
}

static void build_machine(struct builder *b)
{
	const struct vm_config *cfg = b->cfg;
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, cfg->machine_type);	/* validated: q35 or pc-q35-N.N */
	if (cfg->iommu == IOMMU_INTEL && cfg->accel == ACCEL_KVM)
		strbuf_addstr(&sb, ",kernel-irqchip=split");	/* intremap needs it */
	if (cfg->secure_boot == 1)
		strbuf_addstr(&sb, ",smm=on");
	if (cfg->acpi == 0)
		strbuf_addstr(&sb, ",acpi=off");
	if (cfg->hpet == 0)
		strbuf_addstr(&sb, ",hpet=off");	/* not the deprecated -no-hpet */
	if (cfg->merge == 0)
		strbuf_addstr(&sb, ",mem-merge=off");
	add_onoff(&sb, "dump-guest-core", cfg->dump_core);
	add_onoff(&sb, "vmport", cfg->vmport);
	if (!b->nr_cells)
		strbuf_addstr(&sb, ",memory-backend=pc.ram");
	if (cfg->firmware == FW_UEFI)
		strbuf_addstr(&sb, ",pflash0=fw-code,pflash1=fw-vars");
	strvec_push(b->argv, "-machine");
	strvec_push_nodup(b->argv, strbuf_detach(&sb));
	if (cfg->secure_boot == 1)
		strvec_pushl(b->argv, "-global", "driver=cfi.pflash01,property=secure,value=on", NULL);
	/* the q35 chipset's sleep states, as libvirt's <pm> sets them */
	if (cfg->s3 != TRI_UNSET)
		strvec_pushl(b->argv, "-global", cfg->s3 ? "ICH9-LPC.disable_s3=0" : "ICH9-LPC.disable_s3=1", NULL);
	if (cfg->s4 != TRI_UNSET)
		strvec_pushl(b->argv, "-global", cfg->s4 ? "ICH9-LPC.disable_s4=0" : "ICH9-LPC.disable_s4=1", NULL);
	strvec_push(b->argv, "-accel");
	strvec_push(b->argv, cfg->accel == ACCEL_KVM ? "kvm" : "tcg,thread=multi");
}

static void build_cpu(struct builder *b)
{
	const struct vm_config *cfg = b->cfg;
	const struct vm_hyperv *hv = &cfg->hv;
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, cfg->cpu_model);	/* validated alphabet */
	add_onoff(&sb, "migratable", cfg->migratable);
	if (cfg->hidden == 1)
		strbuf_addstr(&sb, ",kvm=off");
	for (size_t i = 0; i < cfg->cpu_require.nr; i++)
		strbuf_addf(&sb, ",%s=on", cfg->cpu_require.v[i]);
	for (size_t i = 0; i < cfg->cpu_disable.nr; i++)
		strbuf_addf(&sb, ",%s=off", cfg->cpu_disable.v[i]);
	if (cfg->enforce == 1)
		strbuf_addstr(&sb, ",enforce=on");
	add_onoff(&sb, "pmu", cfg->pmu);
	add_onoff(&sb, "l3-cache", cfg->l3_cache);
	if (cfg->host_cache_info == 1)
		strbuf_addstr(&sb, ",host-cache-info=on");
	add_onoff(&sb, "kvmclock", cfg->kvmclock);
	add_onoff(&sb, "kvm-hint-dedicated", cfg->hint_dedicated);
	add_onoff(&sb, "hv-passthrough", hv->passthrough);
	add_onoff(&sb, "hv-relaxed", hv->relaxed);
	add_onoff(&sb, "hv-vapic", hv->vapic);
	if (hv->spinlocks)
		strbuf_addf(&sb, ",hv-spinlocks=0x%x", hv->spinlocks);
	if (hv->vendor_id)
		strbuf_addf(&sb, ",hv-vendor-id=%s", hv->vendor_id);	/* no ',' (vm_config.c) */
	add_onoff(&sb, "hv-vpindex", hv->vpindex);
	add_onoff(&sb, "hv-runtime", hv->runtime);
	add_onoff(&sb, "hv-synic", hv->synic);
	add_onoff(&sb, "hv-time", hv->time);
	add_onoff(&sb, "hv-stimer", hv->stimer);
	add_onoff(&sb, "hv-reset", hv->reset);
	add_onoff(&sb, "hv-frequencies", hv->frequencies);
	add_onoff(&sb, "hv-tlbflush", hv->tlbflush);
	add_onoff(&sb, "hv-ipi", hv->ipi);
	strvec_push(b->argv, "-cpu");
	strvec_push_nodup(b->argv, strbuf_detach(&sb));
}

/* A JSON list of the nodes in set */
static json_t *node_list(const struct cpuset *set)
{
	json_t *a = json_array();

	for (int n = cpuset_next(set, 0); n >= 0; n = cpuset_next(set, (unsigned)n + 1))
		json_array_append_new(a, json_integer(n));
	return a;
}

/*
 * One guest RAM backend of 'size' bytes on pages of 'hugepages', bound to
 * 'nodes' (empty: not bound) with 'policy'; with a thread-context on those
 * nodes when it preallocates, so the pages are touched where they live.
 */
static void push_backend(struct builder *b, const char *id, uint64_t size, int hugepages, const struct cpuset *nodes,
			 int policy)
{
	const struct vm_config *cfg = b->cfg;
	static const char *const backend[] = {
		[MEM_MEMFD] = "memory-backend-memfd", [MEM_FILE] = "memory-backend-file", [MEM_ANONYMOUS] = "memory-backend-ram",
	};
	static const char *const policy_names[] = { "bind", "preferred", "interleave" };
	char *tc = xstrfmt("tc-%s", id);
	int bound = !cpuset_empty(nodes);
	json_t *o;

	if (cfg->prealloc == 1 && bound) {
		o = json_object();
		json_object_set_new(o, "qom-type", json_string("thread-context"));
		json_object_set_new(o, "id", json_string(tc));
		json_object_set_new(o, "node-affinity", node_list(nodes));
		push_json(b, "-object", o);
	}
	o = json_object();
	json_object_set_new(o, "qom-type", json_string(backend[cfg->source]));
	json_object_set_new(o, "id", json_string(id));
	json_object_set_new(o, "size", json_integer((json_int_t)size));
	if (cfg->source == MEM_FILE)
		json_object_set_new(o, "mem-path", jstr(b, "memory.path", cfg->mem_path));
	if (cfg->source == MEM_MEMFD && hugepages != HUGEPAGES_NONE) {
		/* hugetlbsize alone is silently ignored: hugetlb must be on */
		json_object_set_new(o, "hugetlb", json_true());
		json_object_set_new(o, "hugetlbsize", json_integer(hugepages == HUGEPAGES_1G ? 1073741824 : 2097152));
	}
	/* QEMU's defaults differ per backend (memfd on, the others off): say it every time */
	json_object_set_new(o, "share", json_boolean(cfg->access == ACCESS_SHARED));
	if (cfg->merge != TRI_UNSET)
		json_object_set_new(o, "merge", json_boolean(cfg->merge));
	if (cfg->dump_core != TRI_UNSET)
		json_object_set_new(o, "dump", json_boolean(cfg->dump_core));
	if (cfg->prealloc == 1) {
		json_object_set_new(o, "prealloc", json_true());
		if (cfg->prealloc_threads)
			json_object_set_new(o, "prealloc-threads", json_integer(cfg->prealloc_threads));
		if (bound)
			json_object_set_new(o, "prealloc-context", json_string(tc));
	}
	if (cfg->discard == 1 && cfg->source == MEM_FILE)
		json_object_set_new(o, "discard-data", json_true());
	if (bound) {
		json_object_set_new(o, "host-nodes", node_list(nodes));
		json_object_set_new(o, "policy", json_string(policy_names[policy]));
	}
	push_json(b, "-object", o);
	free(tc);
}

/*
 * -numa cpu for the vCPUs of guest node 'node': one per guest socket
 * wholly in it, else one per vCPU (socket, die, core and thread ids).
 */
static void push_numa_cpus(struct builder *b, const struct plan_numa *cells, size_t node)
{
	unsigned s = b->sockets, d = b->dies, c = b->cores, t = b->threads;
	unsigned per_socket = d * c * t;

	for (unsigned sock = 0; sock < s; sock++) {
		struct cpuset socket_vcpus;
		int whole = 1, any = 0;

		cpuset_zero(&socket_vcpus);
		for (unsigned v = sock * per_socket; v < (sock + 1) * per_socket; v++) {
			cpuset_set(&socket_vcpus, v);
			if (cpuset_has(&cells[node].vcpus, v))
				any = 1;
			else
				whole = 0;
		}
		if (!any)
			continue;
		if (whole) {
			strvec_push(b->argv, "-numa");
			strvec_pushf(b->argv, "cpu,node-id=%zu,socket-id=%u", node, sock);
			continue;
		}
		for (unsigned v = sock * per_socket; v < (sock + 1) * per_socket; v++) {
			unsigned ids[4];

			if (!cpuset_has(&cells[node].vcpus, v))
				continue;
			pin_plan_vcpu_ids(v, d, c, t, ids);
			strvec_push(b->argv, "-numa");
			if (d > 1)
				strvec_pushf(b->argv, "cpu,node-id=%zu,socket-id=%u,die-id=%u,core-id=%u,thread-id=%u", node,
					     ids[0], ids[1], ids[2], ids[3]);
			else
				strvec_pushf(b->argv, "cpu,node-id=%zu,socket-id=%u,core-id=%u,thread-id=%u", node, ids[0],
					     ids[2], ids[3]);
		}
	}
}

static void build_memory(struct builder *b)
{
	const struct vm_config *cfg = b->cfg;
	const struct pin_plan *plan = b->plan;

	strvec_push(b->argv, "-m");
	strvec_pushf(b->argv, "%llu", (unsigned long long)(cfg->mem_bytes >> 20));
	if (b->nr_cells) {
		/* one backend per guest node, bound to its host nodes; its vCPUs by socket or one by one */
		for (size_t i = 0; i < b->nr_cells; i++) {
			const struct plan_numa *n = &b->cells[i];
			char *id = xstrfmt("ram-node%zu", i);

			push_backend(b, id, n->mem_bytes, n->hugepages, &n->host_nodes, n->policy);
			strvec_push(b->argv, "-numa");
			strvec_pushf(b->argv, "node,nodeid=%zu,memdev=%s", i, id);
			free(id);
		}
		for (size_t i = 0; i < b->nr_cells; i++)
			push_numa_cpus(b, b->cells, i);
		/* the guest's SLIT: every pair but a node to itself (10, QEMU's rule) */
		for (size_t i = 0; i < b->nr_cells; i++) {
			for (size_t j = 0; b->cells[i].distances && j < b->nr_cells; j++) {
				if (i == j)
					continue;
				strvec_push(b->argv, "-numa");
				strvec_pushf(b->argv, "dist,src=%zu,dst=%zu,val=%u", i, j, b->cells[i].distances[j]);
			}
		}
	} else {
		struct cpuset nodes;
		int node = plan ? plan->memory_node : cfg->numa_node;

		cpuset_zero(&nodes);
		if (node >= 0)
			cpuset_set(&nodes, (unsigned)node);
		push_backend(b, "pc.ram", cfg->mem_bytes, cfg->hugepages, &nodes, cfg->numa_policy);	/* size equals -m */
	}
	if (cfg->locked == 1 || cfg->cpu_pm == 1) {
		struct strbuf sb = STRBUF_INIT;

		if (cfg->locked == 1)
			strbuf_addstr(&sb, "mem-lock=on");
		if (cfg->cpu_pm == 1)
			strbuf_addf(&sb, "%scpu-pm=on", sb.len ? "," : "");
		strvec_push(b->argv, "-overcommit");
		strvec_push_nodup(b->argv, strbuf_detach(&sb));
	}
}

/* The guest topology: the plan's, else the config's, else one socket of single-thread cores */
static void pick_topology(struct builder *b)
{
	const struct vm_config *cfg = b->cfg;

	b->sockets = cfg->sockets;
	b->dies = cfg->dies;
	b->cores = cfg->cores;
	b->threads = cfg->threads;
	if (b->plan && b->plan->sockets) {
		b->sockets = b->plan->sockets;
		b->dies = b->plan->dies;
		b->cores = b->plan->cores;
		b->threads = b->plan->threads;
	}
	if (!b->sockets) {
		/* no topology (or "auto" before the planner decides) */
		b->sockets = b->dies = b->threads = 1;
		b->cores = cfg->vcpus;
	}
}

static void build_smp(struct builder *b)
{
	strvec_push(b->argv, "-smp");
	strvec_pushf(b->argv, "%u,sockets=%u,dies=%u,cores=%u,threads=%u", b->cfg->vcpus, b->sockets, b->dies, b->cores,
		     b->threads);
}

/* -uuid and -smbios type=0 / type=1, every value escaped (commas doubled) */
static void build_smbios(struct builder *b, const struct qemu_runtime *rt)
{
	const struct vm_smbios *sm = &b->cfg->smbios;
	const char *uuid = sm->uuid ? sm->uuid : rt ? rt->uuid : NULL;
	const struct { int type; const char *key; const char *value; } fields[] = {
		{ 0, "vendor", sm->bios_vendor }, { 0, "version", sm->bios_version }, { 0, "date", sm->bios_date },
		{ 1, "manufacturer", sm->manufacturer }, { 1, "product", sm->product }, { 1, "version", sm->version },
		{ 1, "serial", sm->serial }, { 1, "sku", sm->sku }, { 1, "family", sm->family },
	};

	if (uuid)
		strvec_pushl(b->argv, "-uuid", uuid, NULL);	/* validated: hex digits and dashes */
	for (int type = 0; type <= 1; type++) {
		struct strbuf sb = STRBUF_INIT;

		strbuf_addf(&sb, "type=%d", type);
		for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
			if (fields[i].type == type && fields[i].value) {
				char *v = qemu_argv_escape(fields[i].value);

				strbuf_addf(&sb, ",%s=%s", fields[i].key, v);
				free(v);
			}
		}
		if (strchr(sb.buf, ',')) {
			strvec_push(b->argv, "-smbios");
			strvec_push_nodup(b->argv, strbuf_detach(&sb));
		}
		strbuf_release(&sb);
	}
}

static void build_clock(struct builder *b)
{
	const struct vm_config *cfg = b->cfg;
	struct strbuf sb = STRBUF_INIT;
	static const char *const track[] = { "", "vm", "host", "rt" };
	char *base = qemu_argv_escape(cfg->clock_base);

	strbuf_addf(&sb, "base=%s", base);
	free(base);
	if (cfg->track != TRACK_UNSET)
		strbuf_addf(&sb, ",clock=%s", track[cfg->track]);
	if (cfg->rtc == RTC_CATCHUP)
		strbuf_addstr(&sb, ",driftfix=slew");
	strvec_push(b->argv, "-rtc");
	strvec_push_nodup(b->argv, strbuf_detach(&sb));
	if (cfg->pit != PIT_UNSET && cfg->accel == ACCEL_KVM) {
		strvec_push(b->argv, "-global");
		strvec_pushf(b->argv, "kvm-pit.lost_tick_policy=%s", cfg->pit == PIT_DELAY ? "delay" : "discard");
	}
}

static void build_iommu(struct builder *b)
{
	json_t *o;

	if (b->cfg->iommu != IOMMU_INTEL)
		return;
	/* before every PCI device, as libvirt orders it */
	o = json_object();
	json_object_set_new(o, "driver", json_string("intel-iommu"));
	json_object_set_new(o, "id", json_string("iommu0"));
	json_object_set_new(o, "intremap", json_string("on"));
	json_object_set_new(o, "caching-mode", json_true());
	json_object_set_new(o, "device-iotlb", json_true());
	push_json(b, "-device", o);
}

/*
 * -boot: the firmware's menu, and strict=on once a boot order is given, so
 * that only the devices in it are tried (libvirt's <boot order> does the same).
 */
static void build_boot(struct builder *b)
{
	const struct vm_config *cfg = b->cfg;
	struct strbuf sb = STRBUF_INIT;

	if (cfg->kernel)
		return;
	if (cfg->boot_menu != TRI_UNSET)
		strbuf_addf(&sb, "menu=%s", cfg->boot_menu ? "on" : "off");
	if (cfg->boot_explicit)
		strbuf_addf(&sb, "%sstrict=on", sb.len ? "," : "");
	if (!sb.len) {
		strbuf_release(&sb);
		return;
	}
	strvec_push(b->argv, "-boot");
	strvec_push_nodup(b->argv, strbuf_detach(&sb));
}

static void build_disks(struct builder *b)
{
	const struct vm_config *cfg = b->cfg;
	static const char *const aio[] = { "threads", "native", "io_uring" };
	static const char *const protocol[] = {
		[DISK_NODE_FILE] = "file", [DISK_NODE_HOST_DEVICE] = "host_device", [DISK_NODE_HOST_CDROM] = "host_cdrom",
	};
	unsigned sata = 0;

	/* [[iothread]]s first (disks may share one), then each disk's own */
	for (size_t i = 0; i < cfg->nr_iothreads; i++) {
		const struct vm_iothread *it = &cfg->iothreads[i];
		json_t *o = json_pack("{s:s,s:s}", "qom-type", "iothread", "id", it->id);

		if (it->poll_max_ns >= 0)
			json_object_set_new(o, "poll-max-ns", json_integer(it->poll_max_ns));
		push_json(b, "-object", o);
	}
	for (size_t i = 0; i < cfg->nr_disks; i++) {
		const struct vm_disk *d = &cfg->disks[i];
		if (d->iothread == 1 && !d->iothread_id) {
			json_t *o = json_object();
			char *id = xstrfmt("io%zu", i);	/* short: thread names stop at 15 bytes */

			json_object_set_new(o, "qom-type", json_string("iothread"));
			json_object_set_new(o, "id", json_string(id));
			push_json(b, "-object", o);
			free(id);
		}
	}
	for (size_t i = 0; i < cfg->nr_disks; i++) {
		const struct vm_disk *d = &cfg->disks[i];
		int cdrom = d->media == MEDIA_CDROM, empty = !*d->path;
		int direct = d->cache == CACHE_NONE || d->cache == CACHE_DIRECTSYNC;
		int noflush = d->cache == CACHE_UNSAFE;
		int wce = !(d->cache == CACHE_WRITETHROUGH || d->cache == CACHE_DIRECTSYNC);
		char *file_node = xstrfmt("disk%zu-file", i);
		char *fmt_node = xstrfmt("disk%zu", i);
		char *dev_id = xstrfmt("disk%zu-dev", i);
		char *io = vm_disk_iothread(cfg, i);
		json_t *o, *cache;

		if (empty)
			goto device;	/* an empty tray: the drive alone, 'mvlaunch insert' fills it */
		o = json_object();
		json_object_set_new(o, "driver", json_string(protocol[d->node]));
		json_object_set_new(o, "filename", jstr(b, "disk.path", d->path));
		json_object_set_new(o, "node-name", json_string(file_node));
		json_object_set_new(o, "aio", json_string(aio[d->aio]));
		cache = json_pack("{s:b,s:b}", "direct", direct, "no-flush", noflush);
		json_object_set_new(o, "cache", cache);
		if (d->readonly == 1)
			json_object_set_new(o, "read-only", json_true());
		if (d->discard == 1)
			json_object_set_new(o, "discard", json_string("unmap"));
		push_json(b, "-blockdev", o);

		o = json_object();
		json_object_set_new(o, "driver", json_string(d->format == FORMAT_QCOW2 ? "qcow2" : "raw"));
		json_object_set_new(o, "file", json_string(file_node));
		json_object_set_new(o, "node-name", json_string(fmt_node));
		json_object_set_new(o, "cache", json_pack("{s:b,s:b}", "direct", direct, "no-flush", noflush));
		if (d->readonly == 1)
			json_object_set_new(o, "read-only", json_true());
		if (d->discard == 1)
			json_object_set_new(o, "discard", json_string("unmap"));
		push_json(b, "-blockdev", o);
		if (vm_disk_throttled(d)) {
			/* a throttle group of its own, and a filter node the device reads through */
			char *tg = xstrfmt("tg-disk%zu", i), *node = xstrfmt("disk%zu-throttle", i);
			json_t *limits = json_object();

			if (d->iops_rd > 0)
				json_object_set_new(limits, "iops-read", json_integer(d->iops_rd));
			if (d->iops_wr > 0)
				json_object_set_new(limits, "iops-write", json_integer(d->iops_wr));
			if (d->iops_total > 0)
				json_object_set_new(limits, "iops-total", json_integer(d->iops_total));
			if (d->bps_rd)
				json_object_set_new(limits, "bps-read", json_integer((json_int_t)d->bps_rd));
			if (d->bps_wr)
				json_object_set_new(limits, "bps-write", json_integer((json_int_t)d->bps_wr));
			if (d->bps_total)
				json_object_set_new(limits, "bps-total", json_integer((json_int_t)d->bps_total));
			push_json(b, "-object", json_pack("{s:s,s:s,s:o}", "qom-type", "throttle-group", "id", tg,
							   "limits", limits));
			o = json_pack("{s:s,s:s,s:s,s:s}", "driver", "throttle", "throttle-group", tg, "file", fmt_node,
				      "node-name", node);
			/* the device sees this node: it must say read-only and pass discards as the nodes below */
			if (d->readonly == 1)
				json_object_set_new(o, "read-only", json_true());
			if (d->discard == 1)
				json_object_set_new(o, "discard", json_string("unmap"));
			push_json(b, "-blockdev", o);
			free(fmt_node);
			fmt_node = node;
			free(tg);
		}
device:
		if (d->bus == BUS_SCSI) {
			char *ctl = xstrfmt("scsi%zu", i);
			char *bus = xstrfmt("scsi%zu.0", i);

			o = json_object();
			json_object_set_new(o, "driver", json_string("virtio-scsi-pci"));
			json_object_set_new(o, "id", json_string(ctl));
			if (d->iothread == 1)
				json_object_set_new(o, "iothread", json_string(io));
			push_json(b, "-device", o);
			o = json_object();
			json_object_set_new(o, "driver", json_string(cdrom ? "scsi-cd" : "scsi-hd"));
			json_object_set_new(o, "bus", json_string(bus));
			free(ctl);
			free(bus);
		} else if (d->bus == BUS_SATA) {
			char *bus = xstrfmt("ide.%u", sata++);

			if (sata > 6 && !b->failed) {
				strbuf_addstr(b->err, "more than 6 disks with bus \"sata\" (the q35 AHCI controller has 6 ports)");
				b->failed = 1;
			}
			o = json_object();
			json_object_set_new(o, "driver", json_string(cdrom ? "ide-cd" : "ide-hd"));
			json_object_set_new(o, "bus", json_string(bus));
			free(bus);
		} else {
			o = json_object();
			json_object_set_new(o, "driver", json_string("virtio-blk-pci"));
			if (d->iothread == 1)
				json_object_set_new(o, "iothread", json_string(io));
		}
		if (!empty)
			json_object_set_new(o, "drive", json_string(fmt_node));
		json_object_set_new(o, "id", json_string(dev_id));
		if (!cdrom)
			json_object_set_new(o, "write-cache", json_string(wce ? "on" : "off"));
		if (d->serial)
			json_object_set_new(o, "serial", json_string(d->serial));
		if (cfg->kernel)
			;	/* the kernel boots directly */
		else if (cfg->boot_explicit && d->boot_index >= 0)
			json_object_set_new(o, "bootindex", json_integer(d->boot_index));
		else if (!cfg->boot_explicit)
			json_object_set_new(o, "bootindex", json_integer((json_int_t)i + 1));
		push_json(b, "-device", o);
		free(file_node);
		free(fmt_node);
		free(dev_id);
		free(io);
	}
}

unsigned qemu_argv_net_fds(const struct vm_net *n)
{
	if (n->type == NET_USER)
		return 0;
	return n->queues * (n->vhost == 1 ? 2 : 1);
}

char *qemu_argv_tap_name(const struct vm_config *cfg, size_t index)
{
	uint32_t h = 2166136261u;	/* FNV-1a of the VM's name, as the default MAC */

	if (index < cfg->nr_nets && cfg->nets[index].ifname)
		return xstrdup(cfg->nets[index].ifname);
	for (const char *p = cfg->name; *p; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	/* "mvl" + 7 + "-" + up to 4 digits: IFNAMSIZ's 15 characters */
	return xstrfmt("mvl%07x-%zu", (unsigned)(h >> 4), index % 10000);
}

/* "4" or "4:5:6": n descriptors from fd on */
static json_t *fd_list(int fd, unsigned n)
{
	struct strbuf sb = STRBUF_INIT;
	json_t *j;

	for (unsigned q = 0; q < n; q++)
		strbuf_addf(&sb, "%s%d", q ? ":" : "", fd + (int)q);
	j = json_string(sb.buf);
	strbuf_release(&sb);
	return j;
}

/*
 * A tap or bridge NIC is a tap 'up' opened (and, for a bridge, attached):
 * QEMU gets its queues' descriptors, then as many of /dev/vhost-net, from
 * *fd on (launcher/host/tap.c opens them in this order), and never opens
 * /dev/net/tun or runs qemu-bridge-helper itself.
 */
static void build_nets(struct builder *b, int *fd)
{
	const struct vm_config *cfg = b->cfg;

	for (size_t i = 0; i < cfg->nr_nets; i++) {
		const struct vm_net *n = &cfg->nets[i];
		char *id = xstrfmt("net%zu", i);
		char *mac = n->mac ? xstrdup(n->mac) : qemu_argv_default_mac(cfg->name, i);
		json_t *o = json_object();

		json_object_set_new(o, "type", json_string(n->type == NET_USER ? "user" : "tap"));
		json_object_set_new(o, "id", json_string(id));
		if (n->type != NET_USER) {
			/* QEMU 7.2: "fd" for one queue, "fds" for several (neither takes "queues") */
			json_object_set_new(o, n->queues > 1 ? "fds" : "fd", fd_list(*fd, n->queues));
			if (n->vhost == 1) {
				json_object_set_new(o, "vhost", json_true());
				json_object_set_new(o, n->queues > 1 ? "vhostfds" : "vhostfd", fd_list(*fd + (int)n->queues, n->queues));
			}
			*fd += (int)qemu_argv_net_fds(n);
		} else if (n->hostfwd.nr) {
			json_t *fw = json_array();

			for (size_t j = 0; j < n->hostfwd.nr; j++)
				json_array_append_new(fw, json_pack("{s:o}", "str", jstr(b, "net.hostfwd", n->hostfwd.v[j])));
			json_object_set_new(o, "hostfwd", fw);
		}
		push_json(b, "-netdev", o);

		o = json_object();
		json_object_set_new(o, "driver", json_string(n->model == NIC_E1000E ? "e1000e" : "virtio-net-pci"));
		json_object_set_new(o, "netdev", json_string(id));
		json_object_set_new(o, "id", json_string(id));
		json_object_set_new(o, "mac", json_string(mac));
		if (n->boot_index >= 0 && !cfg->kernel)
			json_object_set_new(o, "bootindex", json_integer(n->boot_index));
		if (n->queues > 1 && n->model == NIC_VIRTIO) {
			json_object_set_new(o, "mq", json_true());
			json_object_set_new(o, "vectors", json_integer(2 * (json_int_t)n->queues + 2));
		}
		push_json(b, "-device", o);
		free(id);
		free(mac);
	}
}

/* "dddd:bb:ss.F" -> F */
static unsigned pci_function(const char *host)
{
	return (unsigned)strtoul(host + 11, NULL, 16);
}

/* Whether two normalised host addresses are one slot ("dddd:bb:ss"). */
static int pci_same_slot(const char *a, const char *b)
{
	return !strncmp(a, b, 10);
}

/*
 * Each passthrough device gets its own pcie-root-port. A multifunction
 * device (a GPU and its HDMI audio) keeps its functions together: every
 * function of a host slot where one entry says multifunction = true goes
 * into the same guest slot, wherever it is listed, ordered by host
 * function so function 0 comes first (a slot without function 0 does not
 * exist for the guest).
 */
static void build_passthrough(struct builder *b)
{
	const struct vm_config *cfg = b->cfg;
	unsigned port = 0;
	size_t *group = xcalloc(cfg->nr_pci ? cfg->nr_pci : 1, sizeof(*group));
	char *placed = xcalloc(cfg->nr_pci ? cfg->nr_pci : 1, 1);

	for (size_t i = 0; i < cfg->nr_pci; i++) {
		size_t n = 0;
		int multi = 0;
		char *rp;
		json_t *o;

		if (placed[i])
			continue;
		for (size_t j = i; j < cfg->nr_pci; j++)
			if (!placed[j] && pci_same_slot(cfg->pci[i].host, cfg->pci[j].host))
				multi |= cfg->pci[j].multifunction == 1;
		for (size_t j = i; j < cfg->nr_pci; j++) {
			if (placed[j] || (j != i && !(multi && pci_same_slot(cfg->pci[i].host, cfg->pci[j].host))))
				continue;
			/* insertion by host function */
			size_t k = n++;

			while (k > 0 && pci_function(cfg->pci[group[k - 1]].host) > pci_function(cfg->pci[j].host)) {
				group[k] = group[k - 1];
				k--;
			}
			group[k] = j;
			placed[j] = 1;
		}
		rp = xstrfmt("rp%u", port);
		o = json_object();
		json_object_set_new(o, "driver", json_string("pcie-root-port"));
		json_object_set_new(o, "id", json_string(rp));
		json_object_set_new(o, "bus", json_string("pcie.0"));
		json_object_set_new(o, "chassis", json_integer(port + 1));
		json_object_set_new(o, "port", json_integer(0x10 + port));
		push_json(b, "-device", o);
		port++;
		for (size_t k = 0; k < n; k++) {
			const struct vm_passthrough *p = &cfg->pci[group[k]];
			char *id = xstrfmt("hostdev%zu", group[k]);
			char *addr = k ? xstrfmt("0x0.0x%zx", k) : xstrdup("0x0");

			o = json_object();
			json_object_set_new(o, "driver", json_string("vfio-pci"));
			json_object_set_new(o, "host", json_string(p->host));
			json_object_set_new(o, "id", json_string(id));
			json_object_set_new(o, "bus", json_string(rp));
			json_object_set_new(o, "addr", json_string(addr));
			if (k == 0 && (n > 1 || p->multifunction == 1))
				json_object_set_new(o, "multifunction", json_true());
			if (p->vga == 1)
				json_object_set_new(o, "x-vga", json_true());
			if (p->rombar != TRI_UNSET)
				json_object_set_new(o, "rombar", json_integer(p->rombar));
			if (p->romfile)
				json_object_set_new(o, "romfile", jstr(b, "passthrough.romfile", p->romfile));
			if (p->boot_index >= 0 && !cfg->kernel)
				json_object_set_new(o, "bootindex", json_integer(p->boot_index));
			push_json(b, "-device", o);
			free(addr);
			free(id);
		}
		free(rp);
	}
	free(group);
	free(placed);
}

/* Looking Glass: its shared memory as a file-backed memory backend, seen by the guest through IVSHMEM. */
static void build_looking_glass(struct builder *b)
{
	const struct vm_looking_glass *lg = &b->cfg->lg;

	if (lg->enable != 1)
		return;
	push_json(b, "-object", json_pack("{s:s,s:s,s:o,s:I,s:b}", "qom-type", "memory-backend-file", "id", "looking-glass",
					  "mem-path", jstr(b, "looking_glass.path", lg->device ? lg->device : lg->path),
					  "size", (json_int_t)lg->size, "share", 1));
	push_json(b, "-device", json_pack("{s:s,s:s,s:s}", "driver", "ivshmem-plain", "id", "shmem0", "memdev", "looking-glass"));
}

/* Sound: an -audiodev (the host side) and the guest's card on it. */
static void build_audio(struct builder *b)
{
	const struct vm_config *cfg = b->cfg;
	json_t *o;

	if (cfg->audio_backend == AUDIO_UNSET)
		return;
	o = json_object();
	json_object_set_new(o, "driver", json_string(vm_config_audio_driver(cfg->audio_backend)));
	json_object_set_new(o, "id", json_string("audio0"));
	if (cfg->audio_path)
		json_object_set_new(o, "path", jstr(b, "audio.path", cfg->audio_path));
	if (cfg->audio_server)
		json_object_set_new(o, "server", jstr(b, "audio.server", cfg->audio_server));
	push_json(b, "-audiodev", o);
	if (cfg->audio_model == AUDIO_USB) {
		push_json(b, "-device", json_pack("{s:s,s:s,s:s,s:s}", "driver", "usb-audio", "id", "sound0",
						  "bus", "xhci.0", "audiodev", "audio0"));
		return;
	}
	push_json(b, "-device", json_pack("{s:s,s:s}", "driver", "ich9-intel-hda", "id", "sound0"));
	push_json(b, "-device", json_pack("{s:s,s:s,s:s,s:i,s:s}", "driver", "hda-duplex", "id", "sound0-codec0",
					  "bus", "sound0.0", "cad", 0, "audiodev", "audio0"));
}

/* A socket QEMU connects to or serves: RUN_DIR/FILE, or NAME-FILE here for a bare command line. */
static char *socket_path(const struct vm_config *cfg, const char *run_dir, const char *file)
{
	return run_dir ? xstrfmt("%s/%s", run_dir, file) : xstrfmt("%s-%s", cfg->name, file);
}

char *qemu_argv_tpm_socket(const struct vm_config *cfg, const char *run_dir)
{
	return socket_path(cfg, run_dir, "swtpm.sock");
}

/* The TPM: QEMU talks to the swtpm 'up' started, over its control socket. */
static void build_tpm(struct builder *b, const struct qemu_runtime *rt)
{
	char *sock, *esc;
	json_t *o;

	if (b->cfg->tpm != 1)
		return;
	sock = qemu_argv_tpm_socket(b->cfg, rt ? rt->run_dir : NULL);
	esc = qemu_argv_escape(sock);
	strvec_push(b->argv, "-chardev");
	strvec_pushf(b->argv, "socket,id=chrtpm,path=%s", esc);
	strvec_pushl(b->argv, "-tpmdev", "emulator,id=tpm0,chardev=chrtpm", NULL);
	o = json_object();
	json_object_set_new(o, "driver", json_string(b->cfg->tpm_model == TPM_TIS ? "tpm-tis" : "tpm-crb"));
	json_object_set_new(o, "tpmdev", json_string("tpm0"));
	json_object_set_new(o, "id", json_string("tpm0-dev"));
	push_json(b, "-device", o);
	if (!rt || !rt->run_dir)
		note(b, "key 'tpm.enable': start swtpm first: swtpm socket --tpm2 --tpmstate dir=DIR "
		     "--ctrl type=unixio,path=%s --terminate", sock);
	free(esc);
	free(sock);
}

/*
 * [[input]]: QEMU opens each evdev device itself (input-linux: it reads the
 * device from its main loop, so no thread of its own, and grabs it with
 * EVIOCGRAB) and feeds the events to the guest's keyboard and mouse: the
 * q35 PS/2 pair, or with virtio = true on any entry one virtio-keyboard-pci
 * and one virtio-mouse-pci, added once whatever devices are listed (a guest
 * keyboard or mouse with nothing behind it costs nothing).
 */
static void build_inputs(struct builder *b)
{
	const struct vm_config *cfg = b->cfg;
	int virtio = 0;

	for (size_t i = 0; i < cfg->nr_inputs; i++) {
		const struct vm_input *in = &cfg->inputs[i];
		char *id = xstrfmt("input%zu", i);
		json_t *o = json_object();

		json_object_set_new(o, "qom-type", json_string("input-linux"));
		json_object_set_new(o, "id", json_string(id));
		json_object_set_new(o, "evdev", jstr(b, "input.evdev", in->evdev));
		if (in->grab_all == 1)
			json_object_set_new(o, "grab_all", json_true());
		if (in->repeat == 1)
			json_object_set_new(o, "repeat", json_true());
		json_object_set_new(o, "grab-toggle", json_string(vm_grab_toggle_names[in->grab_toggle]));
		push_json(b, "-object", o);
		virtio |= in->virtio == 1;
		free(id);
	}
	if (!virtio)
		return;
	push_json(b, "-device", json_pack("{s:s,s:s}", "driver", "virtio-keyboard-pci", "id", "vkbd0"));
	push_json(b, "-device", json_pack("{s:s,s:s}", "driver", "virtio-mouse-pci", "id", "vmouse0"));
}

/* The socket file of a unix display: RUN/vnc.sock or RUN/spice.sock; bare: in the current directory. */
char *qemu_argv_display_socket(const struct vm_config *cfg, const char *run_dir)
{
	return socket_path(cfg, run_dir, cfg->display.type == DISPLAY_SPICE ? "spice.sock" : "vnc.sock");
}

/*
 * -vnc or -spice, the emulated card (the USB tablet is build_usb()'s). A password is
 * never put here: 'password=on' (VNC) or ticketing (SPICE) makes QEMU refuse
 * clients until 'up' sets it over QMP.
 */
static void build_display(struct builder *b, const struct qemu_runtime *rt)
{
	const struct vm_display *d = &b->cfg->display;
	struct strbuf sb = STRBUF_INIT;
	json_t *o;

	if (d->gpu == GPU_STD || d->gpu == GPU_VIRTIO) {
		o = json_object();
		json_object_set_new(o, "driver", json_string(d->gpu == GPU_STD ? "VGA" : "virtio-vga"));
		json_object_set_new(o, "id", json_string("video0"));
		push_json(b, "-device", o);
	}
	if (d->type == DISPLAY_NONE)
		return;
	if (!strcmp(d->listen, "unix")) {
		char *sock = qemu_argv_display_socket(b->cfg, rt ? rt->run_dir : NULL);
		char *esc = qemu_argv_escape(sock);

		if (d->type == DISPLAY_VNC)
			strbuf_addf(&sb, "unix:%s", esc);
		else
			strbuf_addf(&sb, "unix=on,addr=%s,disable-ticketing=on", esc);
		free(esc);
		free(sock);
	} else {
		char *host = NULL;
		unsigned port = 0;

		vm_config_listen_tcp(d->listen, &host, &port);	/* validated */
		if (d->type == DISPLAY_VNC)
			strbuf_addf(&sb, strchr(host, ':') ? "[%s]:%u%s" : "%s:%u%s", host, port - 5900,
				    d->password ? ",password=on" : "");
		else
			strbuf_addf(&sb, "port=%u,addr=%s%s", port, host, d->password ? "" : ",disable-ticketing=on");
		free(host);
	}
	strvec_push(b->argv, d->type == DISPLAY_VNC ? "-vnc" : "-spice");
	strvec_push_nodup(b->argv, strbuf_detach(&sb));
	if (d->type == DISPLAY_SPICE) {
		/* the SPICE agent's channel: clipboard and the guest's resolution following the window */
		o = json_object();
		json_object_set_new(o, "driver", json_string("virtio-serial-pci"));
		json_object_set_new(o, "id", json_string("vserial0"));
		push_json(b, "-device", o);
		strvec_pushl(b->argv, "-chardev", "spicevmc,id=vdagent,name=vdagent", NULL);
		o = json_object();
		json_object_set_new(o, "driver", json_string("virtserialport"));
		json_object_set_new(o, "chardev", json_string("vdagent"));
		json_object_set_new(o, "name", json_string("com.redhat.spice.0"));
		json_object_set_new(o, "bus", json_string("vserial0.0"));
		push_json(b, "-device", o);
	}
}

/*
 * One xHCI controller ("xhci") when a display wants the USB tablet (an
 * absolute pointer: without one the remote mouse and the guest's drift
 * apart) or any [[usb]] is set; then the tablet and each usb-host "usbN",
 * by vendor:product, or by bus and port (also where vm_load() found a
 * serial). QEMU's usb-host waits for a device that is not plugged in.
 */
static void build_usb(struct builder *b)
{
	const struct vm_config *cfg = b->cfg;
	int tablet = cfg->display.type != DISPLAY_NONE;
	int sound = cfg->audio_backend != AUDIO_UNSET && cfg->audio_model == AUDIO_USB;	/* build_audio's usb-audio */
	json_t *o;

	if (!tablet && !sound && !cfg->nr_usb)
		return;
	push_json(b, "-device", json_pack("{s:s,s:s}", "driver", "qemu-xhci", "id", "xhci"));
	if (tablet)
		push_json(b, "-device", json_pack("{s:s,s:s,s:s}", "driver", "usb-tablet", "id", "tablet0", "bus", "xhci.0"));
	for (size_t i = 0; i < cfg->nr_usb; i++) {
		const struct vm_usb *u = &cfg->usb[i];
		char id[32];

		snprintf(id, sizeof(id), "usb%zu", i);
		o = json_pack("{s:s,s:s,s:s}", "driver", "usb-host", "id", id, "bus", "xhci.0");
		if (u->found_bus || !u->vendor) {
			json_object_set_new(o, "hostbus", json_integer(u->found_bus ? u->found_bus : u->bus));
			json_object_set_new(o, "hostport", json_string(u->found_bus ? u->found_port : u->port));
		} else {
			json_object_set_new(o, "vendorid", json_integer(strtol(u->vendor, NULL, 16)));
			json_object_set_new(o, "productid", json_integer(strtol(u->product, NULL, 16)));
		}
		push_json(b, "-device", o);
	}
}

static void build_tail(struct builder *b)
{
	const struct vm_config *cfg = b->cfg;

	if (cfg->kernel) {
		strvec_pushl(b->argv, "-kernel", cfg->kernel, NULL);
		if (cfg->initrd)
			strvec_pushl(b->argv, "-initrd", cfg->initrd, NULL);
		if (cfg->append)
			strvec_pushl(b->argv, "-append", cfg->append, NULL);
	}
	if (cfg->sandbox == 1) {
		strvec_push(b->argv, "-sandbox");
		/* nothing to spawn: 'up' opens the taps (no qemu-bridge-helper, no scripts) */
		strvec_push(b->argv, "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny");
	}
	if (cfg->extra_args.nr)
		note(b, "key 'qemu.extra_args': %zu argument%s appended unchecked", cfg->extra_args.nr,
		     cfg->extra_args.nr == 1 ? "" : "s");
	strvec_pushv(b->argv, (const char **)cfg->extra_args.v);
}

int qemu_argv_build(const struct vm_config *cfg, const struct pin_plan *plan, const struct qemu_runtime *rt,
		    struct strvec *argv, struct strvec *warnings, struct strbuf *err)
{
	struct builder b = { .cfg = cfg, .plan = plan, .argv = argv, .warnings = warnings, .err = err };
	struct plan_numa *own_cells = NULL;
	int net_fd = rt && rt->qmp_fd > 0 ? rt->qmp_fd + 1 : QEMU_ARGV_FIRST_FD;

	pick_topology(&b);
	if (plan && plan->nr_numa) {
		b.cells = plan->numa;
		b.nr_cells = plan->nr_numa;
	} else if (!plan) {
		/* no plan ('check' of a VM that does not fit): the [[numa]] nodes as written */
		b.nr_cells = pin_plan_config_cells(cfg, NULL, NULL, 1, &own_cells);
		b.cells = own_cells;
	}
	strvec_push(argv, cfg->qemu_binary);
	build_runtime_head(&b, rt);
	build_firmware(&b, rt);
	build_machine(&b);
	build_cpu(&b);
	build_memory(&b);
	build_smp(&b);
	build_smbios(&b, rt);
	build_clock(&b);
	build_iommu(&b);
	build_boot(&b);
	build_disks(&b);
	build_nets(&b, &net_fd);
	build_passthrough(&b);
	build_looking_glass(&b);
	build_tpm(&b, rt);
	build_inputs(&b);
	build_display(&b, rt);
	build_usb(&b);
	build_audio(&b);
	build_tail(&b);
	free(own_cells);
	return b.failed ? -1 : 0;
}
