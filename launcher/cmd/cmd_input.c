/*
 * cmd_input.c - 'mvlaunch input list': this host's keyboards and mice, the
 * /dev/input/by-id paths [[input]] evdev takes, told apart by their
 * capabilities (launcher/host/input_dev.c), and the VM configs that name
 * each (every NAME.toml in the VMs directory; one that does not load is
 * skipped: 'mvlaunch check NAME' says why).
 */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "launcher/cmd/commands.h"
#include "launcher/cmd/parse_options.h"
#include "launcher/host/input_dev.h"
#include "config/vm_config.h"
#include "util/err.h"
#include "util/usage.h"
#include "util/wrapper.h"
#include "util/banned.h"

/* Append to users[i] the name of each VM config in the VMs dir whose [[input]] names devs->v[i]. */
static void find_users(const struct mvl_opts *opts, const struct input_devs *devs, struct strvec *users)
{
	const char *dir = paths_vms_dir(&opts->dirs);
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, alphasort);

	for (int k = 0; k < n; k++) {
		size_t len = strlen(names[k]->d_name);
		struct vm_config cfg;
		struct strbuf err = STRBUF_INIT;
		char *file;

		if (len <= 5 || strcmp(names[k]->d_name + len - 5, ".toml") || !strcmp(names[k]->d_name, "host.toml")) {
			free(names[k]);
			continue;
		}
		file = xstrfmt("%s/%s", dir, names[k]->d_name);
		vm_config_init(&cfg);
		if (vm_config_load(file, &cfg, &err) == 0) {
			for (size_t i = 0; i < devs->nr; i++) {
				char *event = xstrfmt("/dev/input/%s", devs->v[i].event);

				for (size_t j = 0; j < cfg.nr_inputs; j++) {
					if (!strcmp(cfg.inputs[j].evdev, devs->v[i].path) ||
					    !strcmp(cfg.inputs[j].evdev, event)) {
						strvec_push(&users[i], cfg.name);
						break;
					}
				}
				free(event);
			}
		}
		vm_config_release(&cfg);
		strbuf_release(&err);
		free(file);
		free(names[k]);
	}
	free(names);
}

static void print_json(const struct input_devs *devs, const struct strvec *users)
{
	json_t *a = json_array();
	char *text;

	for (size_t i = 0; i < devs->nr; i++) {
		json_t *u = json_array();

		for (size_t j = 0; j < users[i].nr; j++)
			json_array_append_new(u, json_string_nocheck(users[i].v[j]));
		json_array_append_new(a, json_pack("{s:s%,s:s,s:s%,s:s,s:o}", "path", devs->v[i].path,
						   strlen(devs->v[i].path), "event", devs->v[i].event, "name",
						   devs->v[i].name, strlen(devs->v[i].name), "kind",
						   input_kind_name(devs->v[i].kind), "used_by", u));
	}
	text = json_dumps(a, JSON_INDENT(2));
	puts(text);
	free(text);
	json_decref(a);
}

static void print_text(const struct input_devs *devs, const struct strvec *users)
{
	if (!devs->nr) {
		printf("no keyboards or mice in /dev/input/by-id\n");
		return;
	}
	for (size_t i = 0; i < devs->nr; i++) {
		printf("%s\n    %s (%s), %s; used by: ", devs->v[i].path, input_kind_name(devs->v[i].kind),
		       devs->v[i].event, *devs->v[i].name ? devs->v[i].name : "(no name)");
		for (size_t j = 0; j < users[i].nr; j++)
			printf("%s%s", j ? ", " : "", users[i].v[j]);
		printf("%s\n", users[i].nr ? "" : "no VM");
	}
}

int cmd_input(int argc, char **argv, const struct mvl_opts *opts)
{
	struct input_devs devs = INPUT_DEVS_INIT;
	struct strbuf err = STRBUF_INIT;
	struct strvec *users = NULL;
	int json = 0, ret = MVL_EXIT_FAILURE;
	const struct opt options[] = {
		OPT_BOOL(0, "json", &json, "print a JSON array: path, event, name, kind, used_by"),
		OPT_END(),
	};
	const struct cmd_usage usage = {
		.name = "input", .operands = "list", .min = 1, .max = 1, .opts = options,
		.text = "list: the keyboards and mice in /dev/input/by-id, for [[input]] evdev = PATH:\n"
			"each link's eventN, its kind (keyboard: EV_KEY with the letter keys; mouse:\n"
			"EV_REL with REL_X, REL_Y and BTN_LEFT; told by capabilities, not names),\n"
			"the kernel's name for it and the VM configs that use it (only one running\n"
			"VM can grab a device).",
	};

	argc = parse_options(argc, argv, &usage);
	if (argc < 0)
		return parse_options_exit(argc);
	if (strcmp(argv[0], "list")) {
		error("unknown action '%s' for 'mvlaunch input': list", argv[0]);
		return MVL_EXIT_USAGE;
	}
	if (input_devs_scan(&devs, &err) < 0) {
		error("%s", err.buf);
		goto out;
	}
	users = xcalloc(devs.nr + 1, sizeof(*users));
	for (size_t i = 0; i < devs.nr; i++)
		strvec_init(&users[i]);
	find_users(opts, &devs, users);
	if (json)
		print_json(&devs, users);
	else
		print_text(&devs, users);
	ret = MVL_EXIT_OK;
out:
	for (size_t i = 0; users && i < devs.nr; i++)
		strvec_clear(&users[i]);
	free(users);
	input_devs_release(&devs);
	strbuf_release(&err);
	return ret;
}
