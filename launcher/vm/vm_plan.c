/*
 * vm_plan.c - plan one VM as 'up' does (see vm_plan.h).
 */
#include <stdlib.h>
#include <string.h>

#include "launcher/vm/vm_plan.h"
#include "launcher/vm/vm_uuid.h"
#include "launcher/vm/paths.h"
#include "launcher/vm/runtime.h"
#include "util/wrapper.h"
#include "util/banned.h"

int vm_plan_one(const struct vm_config *cfg, const char *topology_xml, const struct vm_dirs *dirs,
		struct host_plan *hp, struct pin_plan *plan, struct strvec *notes, struct err *err)
{
	if (host_plan_init(hp, topology_xml, NULL, dirs, (const char *const *)&cfg->name, 1, err) < 0)
		return -1;
	return vm_plan_build(cfg, hp, plan, notes, err);
}

int vm_plan_build(const struct vm_config *cfg, struct host_plan *hp, struct pin_plan *plan, struct strvec *notes,
		  struct err *err)
{
	struct strbuf mem = STRBUF_INIT;

	if (pin_plan_build(&hp->host, cfg, plan, notes, &err->msg) < 0)
		return -1;
	if (pin_plan_memory_check(&hp->topo, cfg, plan, &mem))
		strvec_push(notes, mem.buf);
	strbuf_release(&mem);
	return 0;
}

int vm_plan_qemu_runtime(const struct vm_config *cfg, int bare, struct qemu_runtime *rt, int *uuid_kept,
			 struct err *err)
{
	char *uuid = NULL;

	memset(rt, 0, sizeof(*rt));
	*uuid_kept = 1;
	rt->state_dir = paths_state_root();
	if (!cfg->smbios.uuid) {
		if (vm_uuid_get(cfg->name, &uuid, uuid_kept, err) < 0)
			return -1;
		rt->uuid = uuid;
	}
	if (bare)
		return 0;
	rt->run_dir = runtime_vm_path(cfg->name, NULL);
	rt->log_dir = runtime_log_path(cfg->name, NULL);
	rt->qmp_fd = 3;	/* 'up' binds qmp.sock itself and hands QEMU the listening socket */
	return 0;
}

void vm_plan_qemu_runtime_release(struct qemu_runtime *rt)
{
	free((char *)rt->run_dir);
	free((char *)rt->log_dir);
	free((char *)rt->uuid);
	rt->run_dir = rt->log_dir = rt->uuid = NULL;
}
