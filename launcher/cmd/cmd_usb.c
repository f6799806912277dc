/*
 * cmd_usb.c - 'mvlaunch usb': the host's USB devices and which VM has
 * each (launcher/host/usb_host.c reads sysfs), and 'usb attach'/'usb
 * detach' for a running VM (launcher/vm/vm_usb.c does the QMP).
 *
 * Which VM has a device: a [[usb]] table of its config that names it, or a
 * live attachment ("usb-VVVV-PPPP" in its QEMU). Without NAME every running
 * VM is asked; with NAME only that one (running or not).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "launcher/cmd/commands.h"
#include "launcher/cmd/parse_options.h"
#include "launcher/host/usb_host.h"
#include "launcher/vm/runtime.h"
#include "launcher/vm/vm_down.h"
#include "launcher/vm/vm_load.h"
#include "launcher/vm/vm_usb.h"
#include "util/err.h"
#include "util/usage.h"
#include "util/wrapper.h"
#include "util/banned.h"

/* One VM asked: its config (when it loads) and its live attachments (when it runs). */
struct holder {
	char *name;
	struct vm_config cfg;
	int loaded;
	struct strvec live;
};

struct holders {
	struct holder *v;
	size_t nr, alloc;
	const struct mvl_opts *opts;
};

/* Load NAME's config and, if it runs, its usb-host ids; quiet: a VM that cannot be read has nothing. */
static int add_holder(const char *name, void *data)
{
	struct holders *hs = data;
	struct vm_handle h = VM_HANDLE_INIT;
	struct err err = ERR_INIT;
	struct holder *o;
	int was_gone;

	ALLOC_GROW(hs->v, hs->nr + 1, hs->alloc);
	o = &hs->v[hs->nr++];
	o->name = xstrdup(name);
	strvec_init(&o->live);
	o->loaded = vm_load(name, &hs->opts->dirs, &o->cfg, &err) == 0;
	err_release(&err);
	if (runtime_owner_check(name, &err) == 0 && vm_down_attach(name, &h, &was_gone, 0, &err) > 0)
		vm_usb_devices(&h, &o->live, &err);
	err_release(&err);
	vm_handle_release(&h);
	return 0;
}

static void holders_release(struct holders *hs)
{
	for (size_t i = 0; i < hs->nr; i++) {
		free(hs->v[i].name);
		vm_config_release(&hs->v[i].cfg);
		strvec_clear(&hs->v[i].live);
	}
	free(hs->v);
}

/* "win11" (its config), "win11 (live)" (attached live) for each holder of d, into vms. */
static void who_has(const struct holders *hs, const struct usb_host_dev *d, struct strvec *vms)
{
	char *id = vm_usb_id(d->vendor, d->product);

	for (size_t i = 0; i < hs->nr; i++) {
		const struct holder *o = &hs->v[i];
		int cfg = 0, live = 0;

		for (size_t j = 0; o->loaded && j < o->cfg.nr_usb; j++)
			cfg |= usb_host_match(d, &o->cfg.usb[j]);
		for (size_t j = 0; j < o->live.nr; j++)
			live |= !strcmp(o->live.v[j], id);
		if (cfg)
			strvec_push(vms, o->name);
		if (live)
			strvec_pushf(vms, "%s (live)", o->name);
	}
	free(id);
}

static char *join(const struct strvec *sv)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < sv->nr; i++)
		strbuf_addf(&sb, "%s%s", i ? "," : "", sv->v[i]);
	return strbuf_detach(&sb);
}

static void print_text(const struct usb_host_dev *d, size_t nr, const struct holders *hs)
{
	printf("%-4s %-8s %-10s %-20s %-16s %s\n", "BUS", "PORT", "ID", "SERIAL", "VM", "DEVICE");
	for (size_t i = 0; i < nr; i++) {
		struct strvec vms = STRVEC_INIT;
		char *who, *id = xstrfmt("%s:%s", d[i].vendor, d[i].product);

		who_has(hs, &d[i], &vms);
		who = join(&vms);
		printf("%-4u %-8s %-10s %-20s %-16s %s%s%s%s\n", d[i].bus, d[i].port, id, *d[i].serial ? d[i].serial : "-",
		       *who ? who : "-", d[i].manufacturer, *d[i].manufacturer && *d[i].name ? " " : "", d[i].name,
		       *d[i].manufacturer || *d[i].name ? "" : "-");
		free(who);
		free(id);
		strvec_clear(&vms);
	}
	for (size_t i = 0; i < hs->nr; i++)
		for (size_t j = 0; hs->v[i].loaded && j < hs->v[i].cfg.nr_usb; j++) {
			const struct vm_usb *u = &hs->v[i].cfg.usb[j];
			char *what;

			if (usb_host_find(d, nr, u))
				continue;
			what = usb_host_describe(u);
			printf("%s: usb[%zu] %s is not plugged in (QEMU picks it up when it appears)\n", hs->v[i].name, j,
			       what);
			free(what);
		}
}

static json_t *strvec_to_json(const struct strvec *sv)
{
	json_t *a = json_array();

	for (size_t i = 0; i < sv->nr; i++)
		json_array_append_new(a, json_string(sv->v[i]));
	return a;
}

static void print_json(const struct usb_host_dev *d, size_t nr, const struct holders *hs)
{
	json_t *devs = json_array(), *missing = json_array(), *o;
	char *text;

	for (size_t i = 0; i < nr; i++) {
		struct strvec vms = STRVEC_INIT;

		who_has(hs, &d[i], &vms);
		json_array_append_new(devs, json_pack("{s:i,s:s,s:s,s:s,s:s?,s:s?,s:s?,s:o}", "bus", (int)d[i].bus,
						      "port", d[i].port, "vendor", d[i].vendor, "product", d[i].product,
						      "serial", *d[i].serial ? d[i].serial : NULL,
						      "manufacturer", *d[i].manufacturer ? d[i].manufacturer : NULL,
						      "name", *d[i].name ? d[i].name : NULL, "vms", strvec_to_json(&vms)));
		strvec_clear(&vms);
	}
	for (size_t i = 0; i < hs->nr; i++)
		for (size_t j = 0; hs->v[i].loaded && j < hs->v[i].cfg.nr_usb; j++) {
			char *what;

			if (usb_host_find(d, nr, &hs->v[i].cfg.usb[j]))
				continue;
			what = usb_host_describe(&hs->v[i].cfg.usb[j]);
			json_array_append_new(missing, json_pack("{s:s,s:i,s:s}", "vm", hs->v[i].name, "usb", (int)j,
								 "device", what));
			free(what);
		}
	o = json_pack("{s:o,s:o}", "devices", devs, "missing", missing);
	text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	puts(text ? text : "{}");
	free(text);
	json_decref(o);
}

static int list(const char *name, int json, const struct mvl_opts *opts)
{
	struct holders hs = { .opts = opts };
	struct usb_host_dev *d;
	struct strbuf err = STRBUF_INIT;
	size_t nr;

	if (name) {
		struct vm_config cfg;
		int r = load_vm(name, opts, &cfg);	/* says what is wrong with it */

		vm_config_release(&cfg);
		if (r < 0)
			return MVL_EXIT_FAILURE;
		add_holder(name, &hs);
	} else {
		struct err e = ERR_INIT;

		if (runtime_root_access(&e) == 0)	/* a user who cannot see the VMs still gets the host's list */
			runtime_for_each(add_holder, &hs);
		err_release(&e);
	}
	if (usb_host_list(&d, &nr, &err) < 0) {
		error("%s", err.buf);
		strbuf_release(&err);
		holders_release(&hs);
		return MVL_EXIT_FAILURE;
	}
	if (json)
		print_json(d, nr, &hs);
	else
		print_text(d, nr, &hs);
	usb_host_free(d, nr);
	holders_release(&hs);
	strbuf_release(&err);
	return MVL_EXIT_OK;
}

static int plug(int attach, const char *name, const char *arg, const struct mvl_opts *opts)
{
	struct vm_handle h = VM_HANDLE_INIT;
	struct err err = ERR_INIT;
	char vendor[5], product[5];
	int ret;

	if (vm_usb_parse_id(arg, vendor, product, &err) < 0) {
		err_print(&err);
		err_release(&err);
		return MVL_EXIT_USAGE;
	}
	if (attach_running(name, opts, &h, "devices are attached live to a running VM (to have one from the start, "
			   "add a [[usb]] table)", &ret) < 0)
		goto out;
	if ((attach ? vm_usb_attach(&h, vendor, product, &err) : vm_usb_detach(&h, vendor, product, &err)) < 0) {
		err_print(&err);
		ret = MVL_EXIT_FAILURE;
		goto out;
	}
	printf("%s:%s %s '%s'\n", vendor, product, attach ? "attached to" : "detached from", name);
	ret = MVL_EXIT_OK;
out:
	err_release(&err);
	vm_handle_release(&h);
	return ret;
}

int cmd_usb(int argc, char **argv, const struct mvl_opts *opts)
{
	int json = 0;
	const struct opt options[] = {
		OPT_BOOL(0, "json", &json, "the listing as JSON"),
		OPT_END(),
	};
	static const char *const synopsis[] = {
		"mvlaunch usb [--json] [<name>]",
		"mvlaunch usb attach <name> <vendor:product>",
		"mvlaunch usb detach <name> <vendor:product>",
		NULL,
	};
	const struct cmd_usage usage = {
		.name = "usb", .operands = "[attach|detach] [<name>] [<vendor:product>]", .min = 0, .max = 3,
		.opts = options, .synopsis = synopsis,
		.text = "List the host's USB devices (bus, port, vendor:product, serial, maker and\n"
			"product) and which VM has each: a [[usb]] table of its config, or attached\n"
			"live. Without <name>, every running VM; with it, that VM, and its [[usb]]\n"
			"devices that are not plugged in. attach: plug the host's <vendor:product>\n"
			"(e.g. 046d:c52b) into running VM <name> (device_add usb-host on its xHCI);\n"
			"detach: unplug it (device_del, waiting for QEMU's DEVICE_DELETED). Live only:\n"
			"the next 'up' has the config's [[usb]] devices.",
	};
	int plugging;

	argc = parse_options(argc, argv, &usage);
	if (argc < 0)
		return parse_options_exit(argc);
	plugging = argc && (!strcmp(argv[0], "attach") || !strcmp(argv[0], "detach"));
	if (plugging && (argc != 3 || json)) {
		error("'mvlaunch usb %s' takes <name> <vendor:product>%s", argv[0], json ? ", no --json" : "");
		return MVL_EXIT_USAGE;
	}
	if (!plugging && argc > 1) {
		error("unknown action '%s' for 'mvlaunch usb': attach or detach (or one <name> to list)", argv[0]);
		return MVL_EXIT_USAGE;
	}
	if (plugging)
		return plug(argv[0][0] == 'a', argv[1], argv[2], opts);
	return list(argc ? argv[0] : NULL, json, opts);
}
