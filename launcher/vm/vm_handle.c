/*
 * vm_handle.c - find, hold and let go of a VM's QEMU (see vm_handle.h).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "launcher/vm/vm_handle.h"
#include "util/err.h"
#include "util/wrapper.h"
#include "util/banned.h"

static int read_small_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return (int)n;
}

/* Whether pid's command line contains 'needle' (our pidfile path). */
static int cmdline_has(pid_t pid, const char *needle)
{
	char path[64], buf[65536];
	int n;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	n = read_small_file(path, buf, sizeof(buf));
	if (n <= 0)
		return 0;
	for (int i = 0; i < n; i += (int)strlen(buf + i) + 1)
		if (!strcmp(buf + i, needle))
			return 1;
	return 0;
}

int vm_handle_find_qemu(const struct vm_runtime *rt, struct qemu_proc *p, struct vm_state *st)
{
	char *state_path = runtime_path(rt, "state.json");
	char *pid_path = runtime_path(rt, "qemu.pid"), *id_path = runtime_path(rt, "qemu.id");
	struct err ignore = ERR_INIT;
	char buf[64];
	int ret = -1;

	memset(st, 0, sizeof(*st));
	if (vm_state_read(state_path, st, &ignore) == 0) {
		ret = qemu_proc_attach(p, st->pid, st->start_time);
	} else if (read_small_file(id_path, buf, sizeof(buf)) > 0) {
		/* 'up' died (or is at work) between the fork and state.json: the child said who it is */
		ret = qemu_proc_attach_id(p, id_path);
	} else if (read_small_file(pid_path, buf, sizeof(buf)) > 0) {
		/* 'up' died before state.json: trust qemu.pid only if that process names it */
		pid_t pid = (pid_t)atoi(buf);

		if (pid > 0 && cmdline_has(pid, pid_path))
			ret = qemu_proc_attach(p, pid, proc_start_time(pid));
	}
	err_release(&ignore);
	free(state_path);
	free(pid_path);
	free(id_path);
	return ret;
}

void vm_handle_release(struct vm_handle *h)
{
	qmp_close(h->qmp);
	h->qmp = NULL;
	h->quit_sent = 0;
	qemu_proc_release(&h->proc);
	runtime_release(&h->rt);
	vm_state_release(&h->state);
}

static int reconnect(struct vm_handle *h, const char *then)
{
	char *sock = runtime_path(&h->rt, "qmp.sock");
	struct err ignore = ERR_INIT;
	json_int_t id = 0;
	int r = qmp_connect_send(&h->qmp, sock, 5000, then, &id, &ignore.msg);

	if (r < 0)
		h->qmp = NULL;
	h->quit_sent = r == 0 && then;
	free(sock);
	err_release(&ignore);
	return r;
}

int vm_handle_reconnect(struct vm_handle *h)
{
	return reconnect(h, NULL);
}

int vm_handle_reconnect_quit(struct vm_handle *h)
{
	return reconnect(h, "quit");
}

int vm_handle_quit_nowait(struct vm_handle *h)
{
	char *sock = runtime_path(&h->rt, "qmp.sock");
	struct err ignore = ERR_INIT;
	json_int_t id = 0;
	int r = qmp_connect_nowait(&h->qmp, sock, 5000, "quit", &id, &ignore.msg);

	h->quit_sent = r == 0;
	free(sock);
	err_release(&ignore);
	return r;
}

int vm_handle_need_qmp(const struct vm_handle *h, struct err *err)
{
	if (h->qmp)
		return 0;
	strbuf_addf(&err->msg, "cannot reach '%s' on its QMP socket", h->rt.name);
	err_hintf(err, "another client holds it, or QEMU hangs; try again");
	return -1;
}
