/*
 * cmd_log.c - 'mvlaunch log': a VM's logs of this boot or one before, kept
 * in LOG/NAME across 'down' and crashes (runtime_logs_rotate() keeps
 * RUNTIME_LOG_BOOTS boots): QEMU's own log, the serial console's, or the
 * QMP events QEMU logged itself (runtime_events_prepare()), one a line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "launcher/cmd/commands.h"
#include "launcher/cmd/parse_options.h"
#include "launcher/vm/paths.h"
#include "launcher/vm/runtime.h"
#include "util/err.h"
#include "util/usage.h"
#include "util/wrapper.h"
#include "util/banned.h"

/* "2026-12-02 08:45:01.450  RESET  guest=false reason=host-qmp-system-reset" for one event line; 0 for other lines */
static int print_event(const char *line, size_t len)
{
	json_t *o = json_loadb(line, len, 0, NULL), *ts, *data;
	const char *name;
	char when[32];
	time_t sec;
	struct tm tm;

	if (!o || !(name = json_string_value(json_object_get(o, "event")))) {
		json_decref(o);
		return 0;	/* the greeting, the answer to qmp_capabilities */
	}
	ts = json_object_get(o, "timestamp");
	sec = (time_t)json_integer_value(json_object_get(ts, "seconds"));
	localtime_r(&sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	printf("%s.%03d  %s", when, (int)(json_integer_value(json_object_get(ts, "microseconds")) / 1000), name);
	data = json_object_get(o, "data");
	if (json_is_object(data)) {
		const char *key;
		json_t *v;

		json_object_foreach(data, key, v) {
			char *text = json_is_string(v) ? xstrdup(json_string_value(v)) :
				     json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);

			printf("  %s=%s", key, text ? text : "?");
			free(text);
		}
	}
	putchar('\n');
	json_decref(o);
	return 1;
}

int cmd_log(int argc, char **argv, const struct mvl_opts *opts)
{
	int boot = 0, serial = 0, events = 0, ret = MVL_EXIT_FAILURE;
	const char *boot_arg = NULL;
	const struct opt options[] = {
		OPT_STRING(0, "boot", &boot_arg, "N", "the boot N before the last (0: the last or current one, up to 4)"),
		OPT_BOOL(0, "serial", &serial, "the serial console's output instead of QEMU's log"),
		OPT_BOOL(0, "events", &events, "the QMP events QEMU logged (shutdown, reset, panic, ...), with their times"),
		OPT_END(),
	};
	const struct cmd_usage usage = {
		.name = "log", .operands = "<name>", .min = 1, .max = 1, .opts = options,
		.text = "Print VM <name>'s QEMU log of its last (or current) boot, or with --boot N of\n"
			"the N-th boot before it; --serial its serial console's output, --events the\n"
			"QMP events of that boot (shutdowns, resets, pauses, guest panics), one a line\n"
			"with its time. The logs of the last five boots stay after 'down' and crashes.",
	};
	struct strbuf text = STRBUF_INIT;
	struct err err = ERR_INIT;
	const char *file;
	char *name = NULL, *path = NULL, *end;

	argc = parse_options(argc, argv, &usage);
	if (argc < 0)
		return parse_options_exit(argc);
	if (serial && events) {
		error("--serial and --events name two logs: give one");
		return MVL_EXIT_USAGE;
	}
	if (boot_arg) {
		long n = strtol(boot_arg, &end, 10);

		if (!*boot_arg || *end || n < 0 || n >= RUNTIME_LOG_BOOTS) {
			error("--boot '%s': give 0 (the last boot) to %d", boot_arg, RUNTIME_LOG_BOOTS - 1);
			return MVL_EXIT_USAGE;
		}
		boot = (int)n;
	}
	if (vm_name_check(argv[0], &err.msg) < 0) {
		error("invalid VM name '%s': %s", argv[0], err.msg.buf);
		err_release(&err);
		return MVL_EXIT_USAGE;
	}
	file = serial ? "serial.log" : events ? "events.log" : "qemu.log";
	name = boot ? xstrfmt("%s.%d", file, boot) : xstrdup(file);
	path = runtime_log_path(argv[0], name);
	if (strbuf_read_file(&text, path, 64 << 20, 0) < 0) {
		if (errno == ENOENT) {
			error("no %s for '%s'%s: %s does not exist", file, argv[0],
			      boot ? " that many boots ago" : "", path);
			hint("the logs of the last %d boots are kept; 'mvlaunch log --boot N %s' reads an earlier one",
			     RUNTIME_LOG_BOOTS, argv[0]);
		} else {
			error("cannot read '%s': %s", path, strerror(errno));
		}
		goto out;
	}
	if (events) {
		for (char *line = text.buf, *nl; *line; line = nl ? nl + 1 : line + strlen(line)) {
			nl = strchr(line, '\n');
			print_event(line, nl ? (size_t)(nl - line) : strlen(line));
			if (!nl)
				break;
		}
	} else {
		fwrite(text.buf, 1, text.len, stdout);
	}
	ret = MVL_EXIT_OK;
out:
	(void)opts;
	strbuf_release(&text);
	err_release(&err);
	free(name);
	free(path);
	return ret;
}
