/*
 * qemu_probe.c - start a QEMU to ask it what it supports (see qemu_probe.h).
 *
 * About 100 ms: QEMU with -machine none creates no guest RAM and no vCPU.
 * The QMP socket is ours (qmp_listen(), passed as fd 3), so there is no
 * polling for a socket file.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "launcher/qemu/qemu_probe.h"
#include "util/wrapper.h"
#include "util/banned.h"

static char *probe_path(const struct qemu_probe *p, const char *file)
{
	return xstrfmt("%s/%s", p->dir, file);
}

static void probe_cleanup(struct qemu_probe *p)
{
	char *sock, *log;

	qmp_close(p->qmp);
	p->qmp = NULL;
	if (p->proc.pid > 0 && !p->proc.exited)
		qemu_proc_kill(&p->proc, 2000);
	qemu_proc_release(&p->proc);
	p->proc = (struct qemu_proc)QEMU_PROC_INIT;
	if (!p->dir)
		return;
	sock = probe_path(p, "qmp.sock");
	log = probe_path(p, "qemu.log");
	unlink(sock);
	unlink(log);
	rmdir(p->dir);
	free(sock);
	free(log);
	free(p->dir);
	p->dir = NULL;
}

int qemu_probe_start(struct qemu_probe *p, const char *binary, const char *accel, struct strbuf *err)
{
	const char *tmp = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	struct strvec argv = STRVEC_INIT;
	struct strbuf e = STRBUF_INIT;
	char *sock = NULL, *log = NULL;
	int fd = -1, ret = -1;

	p->binary = binary;
	p->accel = accel;
	p->dir = xstrfmt("%s/mvlaunch-check-XXXXXX", tmp);
	if (!mkdtemp(p->dir)) {
		strbuf_addf(err, "cannot make a directory in %s: %s", tmp, strerror(errno));
		free(p->dir);
		p->dir = NULL;
		return QEMU_PROBE_NO_TMPDIR;
	}
	sock = probe_path(p, "qmp.sock");
	log = probe_path(p, "qemu.log");
	strvec_pushl(&argv, binary, "-machine", "none", "-accel", accel, "-nodefaults", "-display", "none",
		     "-S", "-chardev", "socket,id=qmp,fd=3,server=on,wait=off", "-mon", "chardev=qmp,mode=control", NULL);
	fd = qmp_listen(sock, err);
	if (fd < 0 || qemu_proc_spawn(&argv, log, NULL, NULL, fd, NULL, &p->proc, err) < 0)
		goto out;
	if (qmp_connect(&p->qmp, sock, 10000, &e) < 0) {
		strbuf_addf(err, "%s did not answer on QMP: %s; QEMU's log:", binary, e.buf);
		qemu_proc_log_tail(log, 4, err);
		goto out;
	}
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	if (ret < 0)
		probe_cleanup(p);
	strvec_clear(&argv);
	strbuf_release(&e);
	free(sock);
	free(log);
	return ret;
}

void qemu_probe_stop(struct qemu_probe *p)
{
	struct strbuf ignore = STRBUF_INIT;

	if (p->qmp)
		qmp_execute(p->qmp, "quit", NULL, NULL, &ignore);
	probe_cleanup(p);
	strbuf_release(&ignore);
}

void qemu_probe_option_keys(const char *value, struct strvec *keys)
{
	const char *p = value;

	while (*p) {
		const char *start = p, *eq = NULL;

		while (*p && !(*p == ',' && p[1] != ',')) {
			if (*p == ',')
				p++;	/* ",," */
			else if (*p == '=' && !eq)
				eq = p;
			p++;
		}
		if (eq)	/* a piece without '=' is the group's implied value: no key */
			strvec_push_nodup(keys, xstrndup(start, (size_t)(eq - start)));
		if (*p == ',')
			p++;
	}
}

int qemu_probe_has_param(json_t *params, const char *key)
{
	size_t i;
	json_t *p;

	json_array_foreach(params, i, p) {
		const char *name = json_string_value(json_object_get(p, "name"));

		if (name && !strcmp(name, key))
			return 1;
	}
	return 0;
}

int qemu_probe_refuses_key(const char *log, const char *key)
{
	static const char *const why[][2] = {
		{ "Invalid parameter '", "'" }, { "Parameter '", "' is unexpected" },
		{ "does not support the option '", "'" },
	};
	int found = 0;

	for (size_t i = 0; i < ARRAY_SIZE(why) && !found; i++) {
		char *needle = xstrfmt("%s%s%s", why[i][0], key, why[i][1]);

		found = strstr(log, needle) != NULL;
		free(needle);
	}
	if (!found) {
		/* "Parameter 'smp.K' is unexpected", "Property 'TYPE.K' not found" */
		char *dotted = xstrfmt(".%s' ", key);
		const char *p = strstr(log, dotted);

		found = p && (strstr(p, "is unexpected") || strstr(p, "not found"));
		free(dotted);
	}
	return found;
}

int qemu_probe_refuses(const struct qemu_probe *p, const char *opt, const char *val, const char *key)
{
	struct strvec argv = STRVEC_INIT;
	struct strbuf err = STRBUF_INIT, log = STRBUF_INIT;
	struct qemu_proc proc = QEMU_PROC_INIT;
	char *logpath = probe_path(p, "option.log"), *dash = xstrfmt("-%s", opt);
	int refused = 0;

	strvec_pushl(&argv, p->binary, "-accel", p->accel, "-nodefaults", "-display", "none", "-S", NULL);
	if (strcmp(opt, "machine"))
		strvec_pushl(&argv, "-machine", "none", NULL);
	strvec_pushl(&argv, dash, val, NULL);
	if (qemu_proc_spawn(&argv, logpath, NULL, NULL, -1, NULL, &proc, &err) == 0) {
		/* a refused option ends QEMU at once; one it takes leaves it waiting, paused */
		if (!qemu_proc_wait_exit(&proc, 1500))
			qemu_proc_kill(&proc, 1000);
		qemu_proc_log_tail(logpath, 20, &log);
		refused = qemu_probe_refuses_key(log.buf, key);
	}
	qemu_proc_release(&proc);
	unlink(logpath);
	free(logpath);
	free(dash);
	strvec_clear(&argv);
	strbuf_release(&err);
	strbuf_release(&log);
	return refused;
}

int qemu_probe_audio_drivers(const struct qemu_probe *p, struct strvec *drivers)
{
	struct strvec argv = STRVEC_INIT;
	struct strbuf err = STRBUF_INIT, log = STRBUF_INIT;
	struct qemu_proc proc = QEMU_PROC_INIT;
	char *logpath = probe_path(p, "audio.log");
	int ret = -1;

	strvec_pushl(&argv, p->binary, "-audiodev", "help", NULL);
	if (qemu_proc_spawn(&argv, logpath, NULL, NULL, -1, NULL, &proc, &err) == 0) {
		if (!qemu_proc_wait_exit(&proc, 3000))
			qemu_proc_kill(&proc, 1000);
		else if (strbuf_read_file(&log, logpath, 65536, 0) >= 0 && strstr(log.buf, "Available audio drivers:")) {
			/* one driver a line; QEMU's complaints about modules it lacks have spaces */
			for (char *line = strstr(log.buf, "drivers:\n") + 9, *nl; *line; line = nl + 1) {
				if (!(nl = strchr(line, '\n')))
					nl = line + strlen(line) - 1;
				*nl = '\0';
				if (*line && !strchr(line, ' '))
					strvec_push(drivers, line);
			}
			ret = 0;
		}
	}
	qemu_proc_release(&proc);
	unlink(logpath);
	free(logpath);
	strvec_clear(&argv);
	strbuf_release(&err);
	strbuf_release(&log);
	return ret;
}
