/*
 * host_plan.c - gather topology, host.toml and running VMs (see host_plan.h).
 *
 * DESIGN
 * The CPUs already owned are those of every running VM (its state.json,
 * QEMU alive) and of every VM being started (its claim.json, its 'up'
 * alive): 'up' holds the root lock only to plan and claim, then starts
 * QEMU under the VM's own lock, so a claim is how the next planner learns
 * of a start still under way.
 */
#include <stdlib.h>
#include <string.h>

#include "launcher/vm/host_plan.h"
#include "launcher/vm/paths.h"
#include "launcher/qemu/qemu_proc.h"
#include "launcher/vm/runtime.h"
#include "launcher/vm/vm_state.h"
#include "util/trust.h"
#include "util/wrapper.h"
#include "util/banned.h"

struct hold_ctx {
	struct plan_host *host;
	const char *const *exclude;
	size_t nr_exclude;
};

static int hold_running(const char *name, void *data)
{
	struct hold_ctx *ctx = data;
	struct vm_state st;

	for (size_t i = 0; i < ctx->nr_exclude; i++)
		if (!strcmp(ctx->exclude[i], name))
			return 0;
	/* a crashed VM's CPUs are free again */
	if (vm_state_load_running(name, &st)) {
		pin_plan_host_hold(ctx->host, name, &st.owned, st.dedicated);
		vm_state_release(&st);
	} else {
		/* one being started holds what its 'up' claimed (runtime.h) */
		struct cpuset owned;
		int dedicated;

		if (runtime_claim_load(name, &owned, &dedicated))
			pin_plan_host_hold(ctx->host, name, &owned, dedicated);
	}
	return 0;
}

static int add_owned(const char *name, void *data)
{
	struct cpuset *owned = data, claim;
	struct vm_state st;
	int dedicated;

	if (vm_state_load_running(name, &st)) {
		cpuset_or(owned, &st.owned);
		vm_state_release(&st);
	} else if (runtime_claim_load(name, &claim, &dedicated)) {
		cpuset_or(owned, &claim);
	}
	return 0;
}

void host_plan_owned_now(struct cpuset *owned)
{
	cpuset_zero(owned);
	runtime_for_each(add_owned, owned);
}

void host_plan_hold_vms(struct host_plan *hp, const char *const *exclude, size_t nr_exclude)
{
	struct hold_ctx ctx = { .host = &hp->host, .exclude = exclude, .nr_exclude = nr_exclude };

	runtime_for_each(hold_running, &ctx);
}

int host_plan_init(struct host_plan *hp, const char *topology_xml, const char *host_config,
		   const struct vm_dirs *dirs, const char *const *exclude, size_t nr_exclude,
		   struct err *err)
{
	if (host_plan_load(hp, topology_xml, host_config, dirs, err) < 0)
		return -1;
	if (!topology_xml)
		host_plan_hold_vms(hp, exclude, nr_exclude);
	return 0;
}

int host_plan_load_config(struct host_plan *hp, const char *host_config, const struct vm_dirs *dirs, struct err *err)
{
	memset(hp, 0, sizeof(*hp));
	host_config_init(&hp->hc);
	if (host_config_load(host_config ? host_config : dirs->host_config, paths_vms_dir(dirs), &hp->hc, &err->msg) < 0 ||
	    (hp->hc.file && trust_file(hp->hc.file, "host config", err) < 0))
		return -1;
	return 0;
}

int host_plan_load(struct host_plan *hp, const char *topology_xml, const char *host_config,
		   const struct vm_dirs *dirs, struct err *err)
{
	if (host_plan_load_config(hp, host_config, dirs, err) < 0)
		return -1;
	if ((topology_xml ? host_topo_load_xml(&hp->topo, topology_xml, &err->msg) : host_topo_load(&hp->topo, &err->msg)) < 0)
		return -1;
	if (pin_plan_host_init(&hp->host, &hp->topo, hp->hc.has_reserved ? &hp->hc.reserved : NULL, &err->msg) < 0) {
		if (hp->hc.file) {
			struct strbuf msg = STRBUF_INIT;
			struct config_loc loc = host_config_loc(&hp->hc, "reserved_cpus");

			strbuf_addf(&msg, "%s:%d:%d: %s", hp->hc.file, loc.line, loc.col, err->msg.buf);
			strbuf_reset(&err->msg);
			strbuf_addstr(&err->msg, msg.buf);
			strbuf_release(&msg);
		}
		return -1;
	}
	return 0;
}

void host_plan_release(struct host_plan *hp)
{
	pin_plan_host_release(&hp->host);
	host_topo_free(&hp->topo);
	host_config_release(&hp->hc);
}
