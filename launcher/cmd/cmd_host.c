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
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "launcher/cmd/commands.h"
#include "launcher/vm/vm_up.h"
#include "launcher/vm/host_plan.h"
#include "launcher/host/host_prep.h"
#include "launcher/vm/runtime.h"
#include "util/usage.h"
#include "util/banned.h"

static const char usage_host[] =
	"usage: mvlaunch host status [--json]\n"
	"   or: mvlaunch host prepare [--dry-run]\n"
	"   or: mvlaunch host release [--dry-run]\n"
	"\n"
	"status: the host knobs VMs changed (original and current values), the hugepages\n"
	"and CPUs each VM holds. prepare: apply host.toml's knobs now, held by \"(manual)\".\n"
	"release: drop that hold; the last holder restores every original value.\n"
	"\n"
	"    --json      status as JSON\n"
	"    --dry-run   list each change as 'path: old -> new', change nothing";

static int print_status(int json)
{
	struct strbuf err = STRBUF_INIT;
	json_t *st = vm_host_status(&err), *v, *h;
	const char *key;

	if (!st) {
		error_lines(err.buf);
		strbuf_release(&err);
		return MVL_EXIT_FAILURE;
	}
	if (json) {
		char *text = json_dumps(st, JSON_INDENT(2));

		puts(text);
		free(text);
	} else if (!json_object_size(json_object_get(st, "holders"))) {
		printf("the host is not prepared: no VM holds hugepages or host knobs\n");
	} else {
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
			putchar('\n');
		}
		printf("knobs (original -> now):\n");
		json_object_foreach(json_object_get(st, "knobs"), key, v)
			printf("  %s: %s -> %s\n", key, json_string_value(json_object_get(v, "original")),
			       json_string_value(json_object_get(v, "current")));
		if (!json_object_size(json_object_get(st, "knobs")))
			printf("  (none changed)\n");
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
	strbuf_release(&err);
	return MVL_EXIT_OK;
}

int cmd_host(int argc, char **argv, const struct mvl_opts *opts)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct host_plan hp = HOST_PLAN_INIT;
	struct host_prep prep;
	struct strbuf err = STRBUF_INIT;
	int json = 0, dry = 0, c, root_fd = -1, r, ret = MVL_EXIT_FAILURE;
	const char *what;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'n': dry = 1; break;
		case 'h': puts(usage_host); return MVL_EXIT_OK;
		default: return usage_error(usage_host);
		}
	}
	/* options may also follow the action */
	if (argc - optind < 1)
		return usage_error(usage_host);
	what = argv[optind++];
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'n': dry = 1; break;
		default: return usage_error(usage_host);
		}
	}
	if (optind != argc || (strcmp(what, "status") && strcmp(what, "prepare") && strcmp(what, "release")) ||
	    (json && strcmp(what, "status")) || (dry && !strcmp(what, "status")))
		return usage_error(usage_host);

	vm_host_prep_init(&prep, NULL, NULL, dry);
	root_fd = runtime_lock_root(&err);
	if (root_fd < 0 || host_plan_init(&hp, NULL, NULL, &opts->dirs, NULL, 0, &err) < 0) {
		error_lines(err.buf);
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
		error_lines(err.buf);
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
	strbuf_release(&err);
	return ret;
}
