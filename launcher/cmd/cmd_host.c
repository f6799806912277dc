/*
 * cmd_host.c - 'mvlaunch host status|prepare|release': the host knobs and
 * hugepages VMs hold, by hand.
 *
 * status shows every knob changed (original and current value) and who
 * holds what; prepare applies the host.toml knobs as the holder "(manual)"
 * (VMs started later share them); release drops that holder, and the last
 * holder to go restores every original value. --dry-run lists each change as
 * "path: old -> new" without making it.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "launcher/cmd/commands.h"
#include "launcher/cmd/parse_options.h"
#include "launcher/host/qemu_user.h"
#include "launcher/vm/vm_host.h"
#include "launcher/vm/host_plan.h"
#include "launcher/host/host_prep.h"
#include "launcher/vm/runtime.h"
#include "util/err.h"
#include "util/usage.h"
#include "util/banned.h"

static int print_status(int json)
{
	struct err err = ERR_INIT;
	json_t *st = vm_host_status(&err), *v, *h;
	const char *key;

	if (!st) {
		err_print(&err);
		err_release(&err);
		return MVL_EXIT_FAILURE;
	}
	if (json) {
		char *text = json_dumps(st, JSON_INDENT(2));

		puts(text);
		free(text);
	} else if (!json_object_size(json_object_get(st, "holders"))) {
		printf("the host is not prepared: no VM holds hugepages or host knobs\n");
	}
	if (!json) {
		json_t *g = json_object_get(st, "grants");

		if (json_object_size(g))
			printf("files granted to QEMU's user:\n");
		json_object_foreach(g, key, v) {
			json_t *acl = json_object_get(v, "acl"), *n;
			size_t i;

			printf("  %s: %s for uid %lld (%s); before: owner %lld:%lld, mode %s%s%s; used by", key,
			       json_string_value(json_object_get(v, "perms")),
			       (long long)json_integer_value(json_object_get(v, "user")),
			       !strcmp(json_string_value(json_object_get(v, "how")), "acl") ? "an ACL entry" :
			       "its owner: no ACLs there", (long long)json_integer_value(json_object_get(v, "uid")),
			       (long long)json_integer_value(json_object_get(v, "gid")),
			       json_string_value(json_object_get(v, "mode")), json_is_string(acl) ? ", ACL " : "",
			       json_is_string(acl) ? json_string_value(acl) : "");
			json_array_foreach(json_object_get(v, "holders"), i, n)
				printf("%s%s", i ? ", " : " ", json_string_value(n));
			putchar('\n');
		}
	}
	if (!json && json_object_size(json_object_get(st, "holders"))) {
		printf("holders:\n");
		json_object_foreach(json_object_get(st, "holders"), key, h) {
			const char *file;
			json_t *n;
			size_t i;
			json_t *c;

			printf("  %s: CPUs", key);
			json_array_foreach(json_object_get(h, "cpus"), i, c)
				printf("%s%lld", i ? "," : " ", (long long)json_integer_value(c));
			if (!json_array_size(json_object_get(h, "cpus")))
				printf(" none");
			json_object_foreach(json_object_get(h, "hugepages"), file, n)
				printf("; %lld hugepages in %s", (long long)json_integer_value(n), file);
			json_array_foreach(json_object_get(h, "vfio"), i, c)
				printf("%s%s", i ? "," : "; PCI ", json_string_value(c));
			putchar('\n');
		}
		printf("knobs (original -> now):\n");
		json_object_foreach(json_object_get(st, "knobs"), key, v)
			printf("  %s: %s -> %s\n", key, json_string_value(json_object_get(v, "original")),
			       json_string_value(json_object_get(v, "current")));
		if (!json_object_size(json_object_get(st, "knobs")))
			printf("  (none changed)\n");
		if (json_object_size(json_object_get(st, "vfio")))
			printf("PCI functions (original driver -> now):\n");
		json_object_foreach(json_object_get(st, "vfio"), key, v) {
			json_t *o = json_object_get(v, "original"), *c = json_object_get(v, "current");

			printf("  %s: %s -> %s\n", key, json_is_string(o) ? json_string_value(o) : "(none)",
			       json_is_string(c) ? json_string_value(c) : "(none)");
		}
		if ((h = json_object_get(st, "shield"))) {
			size_t i;

			printf("shield (%s): CPUs %s kept for VMs, held by", json_string_value(json_object_get(h, "backend")),
			       json_string_value(json_object_get(h, "vm_cpus")));
			json_array_foreach(json_object_get(h, "holders"), i, v)
				printf("%s%s", i ? ", " : " ", json_string_value(v));
			putchar('\n');
		}
	}
	json_decref(st);
	err_release(&err);
	return MVL_EXIT_OK;
}

int cmd_host(int argc, char **argv, const struct mvl_opts *opts)
{
	struct host_plan hp = HOST_PLAN_INIT;
	struct host_prep prep;
	struct err err = ERR_INIT;
	int json = 0, dry = 0, root_fd = -1, r, ret = MVL_EXIT_FAILURE;
	const char *what;
	const struct opt options[] = {
		OPT_BOOL(0, "json", &json, "status as JSON"),
		OPT_BOOL('n', "dry-run", &dry, "list each change as 'path: old -> new', change nothing"),
		OPT_END(),
	};
	static const char *const synopsis[] = {
		"mvlaunch host status [--json]",
		"mvlaunch host prepare [--dry-run]",
		"mvlaunch host release [--dry-run]",
		"mvlaunch host setup",
		NULL,
	};
	const struct cmd_usage usage = {
		.name = "host", .operands = "status|prepare|release|setup", .min = 1, .max = 1, .opts = options,
		.synopsis = synopsis,
		.text = "status: the host knobs VMs changed (original and current values), the\n"
			"hugepages, CPUs and PCI functions each VM holds (managed passthrough: on\n"
			"vfio-pci, with the driver each had). prepare: apply host.toml's knobs now,\n"
			"held by \"(manual)\". release: drop that hold; the last holder restores\n"
			"every original value (and gives each PCI function its driver back).\n"
			"status also lists the files granted to QEMU's user, with their owner,\n"
			"mode and ACL from before. setup: make the system user and group\n"
			"mvlaunch-qemu (no login, in group kvm where there is one) that QEMU and\n"
			"swtpm run as (security.user); what is there already stays (run by\n"
			"'make install').",
	};

	argc = parse_options(argc, argv, &usage);
	if (argc < 0)
		return parse_options_exit(argc);
	what = argv[0];
	if (strcmp(what, "status") && strcmp(what, "prepare") && strcmp(what, "release") && strcmp(what, "setup")) {
		error("unknown action '%s' for 'mvlaunch host': status, prepare, release or setup", what);
		return MVL_EXIT_USAGE;
	}
	if (!strcmp(what, "setup")) {
		struct strvec changes = STRVEC_INIT;

		if (json || dry) {
			error("'mvlaunch host setup' takes no %s", json ? "--json" : "--dry-run");
			return MVL_EXIT_USAGE;
		}
		if (qemu_user_setup(QEMU_USER_DEFAULT, &changes, &err) < 0) {
			error("cannot set up user %s", QEMU_USER_DEFAULT);
			err_print(&err);
		} else {
			for (size_t i = 0; i < changes.nr; i++)
				printf("%s\n", changes.v[i]);
			if (!changes.nr)
				printf("user %s is there: nothing to change\n", QEMU_USER_DEFAULT);
			ret = MVL_EXIT_OK;
		}
		strvec_clear(&changes);
		err_release(&err);
		return ret;
	}
	if ((json && strcmp(what, "status")) || (dry && !strcmp(what, "status"))) {
		error("'mvlaunch host %s' takes no %s", what, json ? "--json (only status does)" : "--dry-run (status changes nothing)");
		return MVL_EXIT_USAGE;
	}

	vm_host_prep_init(&prep, NULL, NULL, dry);
	root_fd = runtime_lock_root(&err);
	if (root_fd < 0 || host_plan_init(&hp, NULL, NULL, &opts->dirs, NULL, 0, &err) < 0) {
		err_print(&err);
		goto out;
	}
	host_prep_release(&prep);
	vm_host_prep_init(&prep, &hp.hc, &hp.topo, dry);
	for (size_t i = 0; i < hp.hc.warnings.nr; i++)
		warning("%s", hp.hc.warnings.v[i]);
	if (!strcmp(what, "status"))
		r = host_prep_reconcile(&prep, &err);
	else if (!strcmp(what, "prepare"))
		r = host_prep_hold(&prep, HOST_MANUAL, NULL, NULL, &err);
	else
		r = host_prep_unhold(&prep, HOST_MANUAL, &err);
	for (size_t i = 0; i < prep.notes.nr; i++)
		warning("%s", prep.notes.v[i]);
	if (r < 0) {
		error("cannot %s the host", what);
		err_print(&err);
		goto out;
	}
	if (!strcmp(what, "status")) {
		ret = print_status(json);
		goto out;
	}
	if (dry)
		printf("would change:\n");
	for (size_t i = 0; i < prep.changes.nr; i++)
		printf("  %s\n", prep.changes.v[i]);
	if (!prep.changes.nr)
		printf("  (nothing to change)\n");
	ret = MVL_EXIT_OK;
out:
	if (root_fd >= 0)
		close(root_fd);
	host_prep_release(&prep);
	host_plan_release(&hp);
	err_release(&err);
	return ret;
}
