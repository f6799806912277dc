/*
 * cmd_display.c - 'mvlaunch display': how to connect to a running VM's
 * remote screen (VNC or SPICE), from what QEMU itself says it serves
 * (launcher/vm/vm_display.c).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "launcher/cmd/commands.h"
#include "launcher/cmd/parse_options.h"
#include "launcher/vm/vm_display.h"
#include "util/err.h"
#include "util/usage.h"
#include "util/wrapper.h"
#include "util/banned.h"

static json_t *strvec_json(const struct strvec *sv)
{
	json_t *a = json_array();

	for (size_t i = 0; i < sv->nr; i++)
		json_array_append_new(a, json_string_nocheck(sv->v[i]));
	return a;
}

static void print_json(const char *name, const struct qmp_display *d, const char *uri, const struct strvec *here,
		       const struct strvec *remote)
{
	json_t *o = json_object();
	char *text;

	json_object_set_new(o, "name", json_string(name));
	json_object_set_new(o, "type", json_string(d->spice ? "spice" : "vnc"));
	json_object_set_new(o, "socket", d->port ? json_null() : json_string_nocheck(d->host));
	json_object_set_new(o, "host", d->port ? json_string_nocheck(d->host) : json_null());
	json_object_set_new(o, "port", d->port ? json_integer(d->port) : json_null());
	json_object_set_new(o, "password", json_boolean(strcmp(d->auth, "none") != 0));
	json_object_set_new(o, "clients", d->clients >= 0 ? json_integer(d->clients) : json_null());
	json_object_set_new(o, "uri", json_string_nocheck(uri));
	json_object_set_new(o, "here", strvec_json(here));
	json_object_set_new(o, "remote", strvec_json(remote));
	text = json_dumps(o, JSON_INDENT(2));
	puts(text);
	free(text);
	json_decref(o);
}

static void print_text(const char *name, const struct qmp_display *d, const struct strvec *here,
		       const struct strvec *remote)
{
	const char *proto = d->spice ? "SPICE" : "VNC";

	if (d->port)
		printf("'%s' shows its screen over %s on %s%s%s:%d (%s", name, proto, strchr(d->host, ':') ? "[" : "",
		       d->host, strchr(d->host, ':') ? "]" : "", d->port,
		       strcmp(d->auth, "none") ? "password set" : "no password");
	else
		printf("'%s' shows its screen over %s on the unix socket %s (%s", name, proto, d->host,
		       "only its owner may connect");
	if (d->clients >= 0)
		printf("; %d client%s connected", d->clients, d->clients == 1 ? "" : "s");
	printf(")\nconnect from this host:\n");
	for (size_t i = 0; i < here->nr; i++)
		printf("  %s\n", here->v[i]);
	printf("connect from another machine%s:\n",
	       remote->nr && !strncmp(remote->v[0], "ssh ", 4) ? " (through SSH; replace THIS-HOST)" : "");
	for (size_t i = 0; i < remote->nr; i++)
		printf("  %s\n", remote->v[i]);
}

int cmd_display(int argc, char **argv, const struct mvl_opts *opts)
{
	struct vm_handle h = VM_HANDLE_INIT;
	struct err err = ERR_INIT;
	struct qmp_display d = { 0 };
	struct strvec here = STRVEC_INIT, remote = STRVEC_INIT;
	int json = 0, found, ret = MVL_EXIT_FAILURE;
	char *uri;
	const struct opt options[] = {
		OPT_BOOL(0, "json", &json, "{\"name\", \"type\", \"socket\", \"host\", \"port\", \"password\",\n"
			 "\"clients\", \"uri\", \"here\": [...], \"remote\": [...]}"),
		OPT_END(),
	};
	const struct cmd_usage usage = {
		.name = "display", .operands = "<name>", .min = 1, .max = 1, .opts = options,
		.text = "Say how to connect to running VM <name>'s screen ([display] type = \"vnc\" or\n"
			"\"spice\"): the socket or address QEMU listens on, as QEMU reports it, and the\n"
			"vncviewer and remote-viewer command lines, here and through an SSH tunnel.",
	};

	argc = parse_options(argc, argv, &usage);
	if (argc < 0)
		return parse_options_exit(argc);
	if (attach_running(argv[0], opts, &h, "the display is a running VM's", &ret) < 0)
		goto out;
	ret = MVL_EXIT_FAILURE;
	if (!h.qmp) {
		error("cannot reach '%s' on its QMP socket", argv[0]);
		hint("another client holds it, or QEMU hangs; try again");
		goto out;
	}
	if (qmp_query_display(h.qmp, &d, &found, &err.msg) < 0) {
		err_print(&err);
		goto out;
	}
	if (!found) {
		error("'%s' has no display", argv[0]);
		hint("set [display] type = \"vnc\" (or \"spice\") in its config and restart it");
		goto out;
	}
	uri = vm_display_uri(&d);
	vm_display_commands(&d, &here, &remote);
	if (json)
		print_json(argv[0], &d, uri, &here, &remote);
	else
		print_text(argv[0], &d, &here, &remote);
	free(uri);
	ret = MVL_EXIT_OK;
out:
	qmp_display_release(&d);
	strvec_clear(&here);
	strvec_clear(&remote);
	err_release(&err);
	vm_handle_release(&h);
	return ret;
}
