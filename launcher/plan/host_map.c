/*
 * host_map.c - the host as a picture (see host_map.h).
 */
#include <stdlib.h>
#include <string.h>

#include "launcher/plan/host_map.h"
#include "util/wrapper.h"
#include "util/banned.h"

enum map_role { MAP_VCPU, MAP_FLOAT, MAP_IOTHREAD, MAP_EMULATOR, MAP_IDLE };

static const char *const role_names[] = {
	[MAP_VCPU] = "vcpu", [MAP_FLOAT] = "vcpu", [MAP_IOTHREAD] = "iothread", [MAP_EMULATOR] = "emulator",
	[MAP_IDLE] = "idle",
};

struct map_use {
	size_t vm;
	enum map_role role;
	int vcpu;		/* MAP_VCPU: its index; else -1 */
};

struct map_cpu {
	struct map_use *uses;
	size_t nr;
};

/* Whether a vCPU is drawn: pinned to one CPU, or floating over CPUs its (dedicated) VM owns */
static int drawn(const struct map_vm *vm, size_t v)
{
	return cpuset_count(&vm->vcpu[v]) == 1 || vm->dedicated;
}

static void add_use(struct map_cpu *c, size_t vm, enum map_role role, int vcpu)
{
	for (size_t i = 0; i < c->nr; i++)
		if (c->uses[i].vm == vm && c->uses[i].role == role && c->uses[i].vcpu == vcpu)
			return;
	c->uses = xrealloc(c->uses, (c->nr + 1) * sizeof(*c->uses));
	c->uses[c->nr++] = (struct map_use){ vm, role, vcpu };
}

static int by_role(const void *a, const void *b)
{
	const struct map_use *x = a, *y = b;

	if (x->role != y->role)
		return (int)x->role - (int)y->role;
	if (x->vm != y->vm)
		return x->vm < y->vm ? -1 : 1;
	return x->vcpu - y->vcpu;
}

/* Who uses each CPU, most telling first; CPUSET_MAX entries */
static struct map_cpu *gather(const struct host_topo *t, const struct map_vm *vms, size_t nr)
{
	struct map_cpu *cpus = xcalloc(CPUSET_MAX, sizeof(*cpus));

	for (size_t i = 0; i < nr; i++) {
		const struct map_vm *vm = &vms[i];
		struct cpuset busy;

		cpuset_zero(&busy);
		for (size_t v = 0; v < vm->nr_vcpus; v++) {
			int single = cpuset_count(&vm->vcpu[v]) == 1;

			if (!drawn(vm, v))
				continue;
			for (int c = cpuset_next(&vm->vcpu[v], 0); c >= 0; c = cpuset_next(&vm->vcpu[v], (unsigned)c + 1)) {
				add_use(&cpus[c], i, single ? MAP_VCPU : MAP_FLOAT, single ? (int)v : -1);
				cpuset_set(&busy, (unsigned)c);
			}
		}
		for (int c = cpuset_next(&vm->iothreads, 0); c >= 0; c = cpuset_next(&vm->iothreads, (unsigned)c + 1)) {
			add_use(&cpus[c], i, MAP_IOTHREAD, -1);
			cpuset_set(&busy, (unsigned)c);
		}
		for (int c = cpuset_next(&vm->emulator, 0); !vm->emulator_float && c >= 0;
		     c = cpuset_next(&vm->emulator, (unsigned)c + 1)) {
			add_use(&cpus[c], i, MAP_EMULATOR, -1);
			cpuset_set(&busy, (unsigned)c);
		}
		for (int c = cpuset_next(&vm->owned, 0); c >= 0; c = cpuset_next(&vm->owned, (unsigned)c + 1))
			if (!cpuset_has(&busy, (unsigned)c))
				add_use(&cpus[c], i, MAP_IDLE, -1);
	}
	for (int c = cpuset_next(&t->all, 0); c >= 0; c = cpuset_next(&t->all, (unsigned)c + 1))
		if (cpus[c].nr > 1)
			qsort(cpus[c].uses, cpus[c].nr, sizeof(*cpus[c].uses), by_role);
	return cpus;
}

static void release(struct map_cpu *cpus)
{
	for (size_t c = 0; c < CPUSET_MAX; c++)
		free(cpus[c].uses);
	free(cpus);
}

/* "a", ..., "z", "aa", "ab", ... */
static void vm_letters(size_t i, struct strbuf *sb)
{
	if (i >= 26)
		strbuf_addch(sb, (char)('a' + (i / 26 - 1) % 26));
	strbuf_addch(sb, (char)('a' + i % 26));
}

/* A CPU's label: "a3", "a*", "aI", "aE", "a-", then "+" when another VM uses it too; "H"; "." */
static void cell_label(const struct map_cpu *c, int reserved, struct strbuf *sb)
{
	const struct map_use *u;
	int others = 0;

	if (!c->nr) {
		strbuf_addstr(sb, reserved ? "H" : ".");
		return;
	}
	u = &c->uses[0];
	vm_letters(u->vm, sb);
	switch (u->role) {
	case MAP_VCPU: strbuf_addf(sb, "%d", u->vcpu); break;
	case MAP_FLOAT: strbuf_addch(sb, '*'); break;
	case MAP_IOTHREAD: strbuf_addch(sb, 'I'); break;
	case MAP_EMULATOR: strbuf_addch(sb, 'E'); break;
	case MAP_IDLE: strbuf_addch(sb, '-'); break;
	}
	for (size_t i = 1; i < c->nr; i++)
		others |= c->uses[i].vm != u->vm;
	if (others)
		strbuf_addch(sb, '+');
}

static const char *vm_color(size_t i)
{
	static const char *const colors[] = { "\033[32m", "\033[34m", "\033[35m", "\033[36m", "\033[33m", "\033[31m",
					      "\033[92m", "\033[94m", "\033[95m", "\033[96m" };

	return colors[i % (sizeof(colors) / sizeof(colors[0]))];
}

static void add_cell(struct strbuf *out, const char *text, unsigned w, const char *color)
{
	size_t len = strlen(text);

	for (size_t i = len; i < w; i++)
		strbuf_addch(out, ' ');
	if (color)
		strbuf_addf(out, "%s%s\033[0m", color, text);
	else
		strbuf_addstr(out, text);
}

/* One block's heading: "socket 0, node 0 (192G), L3 group 1: 9 cores"; without cores, "socket 0, node 0 (192G)" */
static void block_heading(const struct host_topo *t, const struct host_core *first, size_t cores, struct strbuf *out)
{
	const char *sep = "";

	if (first->package >= 0) {
		strbuf_addf(out, "socket %d", t->packages[first->package].os_index);
		sep = ", ";
	}
	if (first->node >= 0) {
		const struct host_group *n = &t->nodes[first->node];

		strbuf_addf(out, "%snode %d", sep, n->os_index);
		if (n->mem_bytes)	/* whole GiB, as a user sizes VMs */
			strbuf_addf(out, " (%lluG)", (unsigned long long)((n->mem_bytes + (UINT64_C(1) << 29)) >> 30));
		sep = ", ";
	}
	if (!cores) {
		strbuf_addch(out, '\n');
		return;
	}
	if (first->l3 >= 0) {
		int k = 0;

		/* the L3 groups numbered within the node, as a user counts them */
		for (int j = 0; j < first->l3; j++)
			k += cpuset_intersects(&t->l3[j].cpus, first->node >= 0 ? &t->nodes[first->node].cpus : &t->all);
		strbuf_addf(out, "%sL3 group %d", sep, k);
	}
	strbuf_addf(out, ": %zu core%s\n", cores, cores == 1 ? "" : "s");
}

/* A VM's one-character symbol on the compact map: a-z, A-Z, 0-9, then '#' */
static char compact_symbol(size_t i)
{
	static const char symbols[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

	return i < sizeof(symbols) - 1 ? symbols[i] : '#';
}

static void legend(const struct map_vm *vms, size_t nr, int color, int compact_map, struct strbuf *out)
{
	struct strbuf l = STRBUF_INIT, s = STRBUF_INIT;

	for (size_t i = 0; i < nr; i++) {
		const struct map_vm *vm = &vms[i];
		struct cpuset all, floating;

		strbuf_reset(&l);
		vm_letters(i, &l);
		strbuf_addstr(out, "  ");
		add_cell(out, l.buf, (unsigned)l.len, color ? vm_color(i) : NULL);
		strbuf_addf(out, "%s %s: %zu vCPU%s", l.len == 1 ? " " : "", vm->name, vm->nr_vcpus,
			    vm->nr_vcpus == 1 ? "" : "s");
		if (compact_map && l.len > 1)
			strbuf_addf(out, " ('%c' on the map)", compact_symbol(i));
		cpuset_zero(&all);
		cpuset_zero(&floating);
		for (size_t v = 0; v < vm->nr_vcpus; v++)
			cpuset_or(drawn(vm, v) ? &all : &floating, &vm->vcpu[v]);
		if (!cpuset_empty(&all)) {
			strbuf_reset(&s);
			cpuset_format(&all, &s);
			strbuf_addf(out, " on %s%s", s.buf, vm->dedicated ? " (dedicated)" : "");
		}
		if (!cpuset_empty(&floating)) {
			strbuf_reset(&s);
			cpuset_format(&floating, &s);
			strbuf_addf(out, "%s floating over %s (not drawn)", cpuset_empty(&all) ? "" : ",", s.buf);
		}
		strbuf_reset(&s);
		cpuset_format(&vm->emulator, &s);
		if (vm->emulator_float)
			strbuf_addstr(out, "; emulator floats over the shared pool");
		else if (s.len)
			strbuf_addf(out, "; emulator on %s", s.buf);
		strbuf_reset(&s);
		cpuset_format(&vm->iothreads, &s);
		if (s.len)
			strbuf_addf(out, "; iothreads on %s", s.buf);
		strbuf_addch(out, '\n');
	}
	strbuf_addstr(out, "  H  kept for the host (reserved_cpus)   .  free   a3 vCPU 3 of VM a   a* its floating vCPUs\n"
			   "  aE its emulator threads   aI its iothreads   a- owned by it, idle   + used by another VM too\n");
	strbuf_release(&l);
	strbuf_release(&s);
}

/*
 * A large host, one line per L3 group under each node's heading: a letter
 * per CPU (the first VM's, H, .), a core's threads together, cores apart.
 */
static void compact(const struct host_topo *t, const struct cpuset *reserved, const struct map_cpu *cpus, int color,
		    struct strbuf *out)
{
	struct strbuf l = STRBUF_INIT;
	size_t b = 0;

	while (b < t->nr_cores) {
		const struct host_core *first = &t->cores[b];
		size_t e = b;
		struct cpuset group;

		while (e < t->nr_cores && t->cores[e].package == first->package && t->cores[e].node == first->node &&
		       t->cores[e].l3 == first->l3)
			e++;
		if (!b || t->cores[b - 1].node != first->node || t->cores[b - 1].package != first->package) {
			if (b)
				strbuf_addch(out, '\n');
			block_heading(t, first, 0, out);
		}
		cpuset_zero(&group);
		for (size_t k = b; k < e; k++)
			cpuset_or(&group, &t->cores[k].pus);
		strbuf_reset(&l);
		cpuset_format(&group, &l);
		strbuf_addf(out, "  %-14s", l.buf);
		for (size_t k = b; k < e; k++) {
			strbuf_addch(out, ' ');
			for (int c = cpuset_next(&t->cores[k].pus, 0); c >= 0; c = cpuset_next(&t->cores[k].pus, (unsigned)c + 1)) {
				char ch[2] = { cpus[c].nr ? 0 : cpuset_has(reserved, (unsigned)c) ? 'H' : '.', 0 };

				if (cpus[c].nr)
					ch[0] = compact_symbol(cpus[c].uses[0].vm);
				add_cell(out, ch, 1, color && cpus[c].nr ? vm_color(cpus[c].uses[0].vm) : NULL);
			}
		}
		strbuf_addch(out, '\n');
		b = e;
	}
	strbuf_release(&l);
}

void host_map_text(const struct host_topo *t, const struct cpuset *reserved, const struct map_vm *vms, size_t nr,
		   unsigned width, int color, struct strbuf *out)
{
	struct map_cpu *cpus = gather(t, vms, nr);
	struct strbuf l = STRBUF_INIT;
	unsigned w = 4, per_line;
	size_t b = 0;

	if (width < 40)
		width = 40;
	/* the cell width: the widest label or CPU number, and a space */
	for (int c = cpuset_next(&t->all, 0); c >= 0; c = cpuset_next(&t->all, (unsigned)c + 1)) {
		strbuf_reset(&l);
		cell_label(&cpus[c], cpuset_has(reserved, (unsigned)c), &l);
		strbuf_addf(&l, " ");
		if (l.len > w)
			w = (unsigned)l.len;
		strbuf_reset(&l);
		strbuf_addf(&l, "%d ", c);
		if (l.len > w)
			w = (unsigned)l.len;
	}
	per_line = (width - 2) / w;
	if (cpuset_count(&t->all) >= HOST_MAP_COMPACT) {
		compact(t, reserved, cpus, color, out);
		b = t->nr_cores;
	}
	while (b < t->nr_cores) {
		const struct host_core *first = &t->cores[b];
		size_t e = b;

		while (e < t->nr_cores && t->cores[e].package == first->package && t->cores[e].node == first->node &&
		       t->cores[e].l3 == first->l3)
			e++;
		if (b)
			strbuf_addch(out, '\n');
		block_heading(t, first, e - b, out);
		for (size_t from = b; from < e; from += per_line) {
			size_t to = from + per_line < e ? from + per_line : e;

			for (unsigned th = 0; th < t->max_threads; th++) {
				strbuf_addstr(out, "  ");
				for (size_t k = from; k < to; k++) {
					int c = cpuset_next(&t->cores[k].pus, 0);

					for (unsigned j = 0; j < th && c >= 0; j++)
						c = cpuset_next(&t->cores[k].pus, (unsigned)c + 1);
					strbuf_reset(&l);
					if (c >= 0)
						strbuf_addf(&l, "%d", c);
					add_cell(out, l.buf, w, color && c >= 0 ? "\033[2m" : NULL);
				}
				strbuf_addstr(out, "\n  ");
				for (size_t k = from; k < to; k++) {
					int c = cpuset_next(&t->cores[k].pus, 0);
					const char *col = NULL;

					for (unsigned j = 0; j < th && c >= 0; j++)
						c = cpuset_next(&t->cores[k].pus, (unsigned)c + 1);
					strbuf_reset(&l);
					if (c >= 0) {
						cell_label(&cpus[c], cpuset_has(reserved, (unsigned)c), &l);
						if (color)
							col = cpus[c].nr ? vm_color(cpus[c].uses[0].vm) :
							      cpuset_has(reserved, (unsigned)c) ? "\033[1m" : NULL;
					}
					add_cell(out, l.buf, w, col);
				}
				strbuf_addch(out, '\n');
			}
		}
		b = e;
	}
	strbuf_addstr(out, "\nlegend:\n");
	legend(vms, nr, color, cpuset_count(&t->all) >= HOST_MAP_COMPACT, out);
	strbuf_release(&l);
	release(cpus);
}

json_t *host_map_json(const struct host_topo *t, const struct cpuset *reserved, const struct map_vm *vms, size_t nr)
{
	struct map_cpu *cpus = gather(t, vms, nr);
	json_t *list = json_array(), *vmlist = json_array();
	struct strbuf l = STRBUF_INIT;

	for (size_t k = 0; k < t->nr_cores; k++) {
		const struct host_core *core = &t->cores[k];

		for (int c = cpuset_next(&core->pus, 0); c >= 0; c = cpuset_next(&core->pus, (unsigned)c + 1)) {
			json_t *uses = json_array();
			const char *state = cpus[c].nr ? "used" : cpuset_has(reserved, (unsigned)c) ? "reserved" : "free";

			for (size_t i = 0; i < cpus[c].nr; i++) {
				const struct map_use *u = &cpus[c].uses[i];
				json_t *o = json_pack("{s:s,s:s}", "vm", vms[u->vm].name, "role", role_names[u->role]);

				if (u->role == MAP_VCPU)
					json_object_set_new(o, "vcpu", json_integer(u->vcpu));
				json_array_append_new(uses, o);
			}
			if (cpus[c].nr == 1 && cpus[c].uses[0].role == MAP_IDLE)
				state = "owned";
			json_array_append_new(list, json_pack("{s:i,s:i,s:i,s:i,s:i,s:s,s:o}", "cpu", c, "package",
							     core->package >= 0 ? t->packages[core->package].os_index : -1,
							     "node", core->node >= 0 ? t->nodes[core->node].os_index : -1,
							     "l3", core->l3, "core", (int)k, "state", state, "uses", uses));
		}
	}
	for (size_t i = 0; i < nr; i++) {
		strbuf_reset(&l);
		vm_letters(i, &l);
		json_array_append_new(vmlist, json_pack("{s:s,s:s,s:b}", "name", vms[i].name, "label", l.buf, "dedicated",
							vms[i].dedicated));
	}
	strbuf_release(&l);
	release(cpus);
	return json_pack("{s:s,s:o,s:o}", "topology", t->source ? t->source : "", "cpus", list, "vms", vmlist);
}
