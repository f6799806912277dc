/*
 * vm_import.c - the two command lines of 'mvlaunch import --diff' (see the header).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "launcher/qemu/qemu_argv.h"
#include "launcher/qemu/qemu_argv_diff.h"
#include "launcher/vm/vm_import.h"
#include "launcher/vm/vm_load.h"
#include "launcher/vm/vm_plan.h"
#include "util/atomic_file.h"
#include "util/trust.h"
#include "util/wrapper.h"
#include "util/banned.h"

#define VIRSH_TIMEOUT_MS 120000	/* the first call probes QEMU's capabilities */

/* Run argv (no shell), its stdout into out and stderr into errout. Its exit status, or -1 with errno. */
static int run_capture(char *const argv[], struct strbuf *out, struct strbuf *errout)
{
	int po[2], pe[2], status;
	pid_t pid;
	struct pollfd fds[2];
	struct timespec start, now;

	if (pipe2(po, O_CLOEXEC) < 0)
		return -1;
	if (pipe2(pe, O_CLOEXEC) < 0) {
		close(po[0]);
		close(po[1]);
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(po[0]);
		close(po[1]);
		close(pe[0]);
		close(pe[1]);
		errno = e;
		return -1;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(po[1], 1) < 0 || dup2(pe[1], 2) < 0)
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	fds[0] = (struct pollfd){ .fd = po[0], .events = POLLIN };
	fds[1] = (struct pollfd){ .fd = pe[0], .events = POLLIN };
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (fds[0].fd >= 0 || fds[1].fd >= 0) {
		long ms;
		int r;

		clock_gettime(CLOCK_MONOTONIC, &now);
		ms = VIRSH_TIMEOUT_MS - ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000);
		if (ms <= 0) {
			kill(pid, SIGKILL);
			strbuf_addf(errout, "%s did not answer within %d s\n", argv[0], VIRSH_TIMEOUT_MS / 1000);
			break;
		}
		r = poll(fds, 2, (int)ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		for (int i = 0; i < 2; i++) {
			char buf[8192];
			ssize_t got;

			if (fds[i].fd < 0 || !fds[i].revents)
				continue;
			got = read(fds[i].fd, buf, sizeof(buf));
			if (got > 0 && (i ? errout : out)->len < (16u << 20)) {
				strbuf_add(i ? errout : out, buf, (size_t)got);
			} else if (got <= 0 && !(got < 0 && errno == EINTR)) {
				close(fds[i].fd);
				fds[i].fd = -1;
			}
		}
	}
	if (fds[0].fd >= 0)
		close(fds[0].fd);
	if (fds[1].fd >= 0)
		close(fds[1].fd);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int run_virsh(const char *path, const char *connect, struct strvec *argv, struct err *err)
{
	struct strvec cmd = STRVEC_INIT;
	struct strbuf out = STRBUF_INIT, errout = STRBUF_INIT, why = STRBUF_INIT;
	char *virsh = trust_which("virsh");
	int rc, ret = -1;

	if (!virsh) {
		strbuf_addstr(&err->msg, "--diff needs libvirt's virsh, which is not in PATH");
		err_hintf(err, "apt-get install libvirt-clients (and a libvirt with its QEMU driver to connect to)");
		goto out;
	}
	strvec_push(&cmd, "virsh");
	if (connect)
		strvec_pushl(&cmd, "-c", connect, NULL);
	strvec_pushl(&cmd, "-q", "domxml-to-native", "qemu-argv", path, NULL);
	rc = run_capture(cmd.v, &out, &errout);
	if (rc != 0) {
		size_t len = errout.len;

		while (len && (errout.buf[len - 1] == '\n' || errout.buf[len - 1] == ' '))
			len--;
		strbuf_setlen(&errout, len);
		if (rc < 0)
			strbuf_addf(&err->msg, "cannot run virsh: %s", strerror(errno));
		else
			strbuf_addf(&err->msg, "virsh domxml-to-native failed (exit %d): %s", rc,
				    errout.len ? errout.buf : "no message");
		err_hintf(err, "virsh needs a libvirt it can reach (libvirtd or virtqemud running); --connect URI picks "
			  "one, e.g. qemu:///system");
		goto out;
	}
	if (qemu_argv_split_shell(out.buf, argv, &why) < 0 || argv->nr < 2) {
		strbuf_addf(&err->msg, "virsh domxml-to-native printed no command line I can read%s%s",
			    why.len ? ": " : "", why.buf);
		goto out;
	}
	ret = 0;
out:
	free(virsh);
	strvec_clear(&cmd);
	strbuf_release(&out);
	strbuf_release(&errout);
	strbuf_release(&why);
	return ret;
}

static int mvlaunch_argv(const char *toml, const char *topology, const struct vm_dirs *dirs, struct strvec *argv,
			 struct err *err)
{
	struct vm_config cfg;
	struct host_plan hp = HOST_PLAN_INIT;
	struct pin_plan plan = { .memory_node = -1 };
	struct qemu_runtime rt = { 0 };
	struct strvec notes = STRVEC_INIT;
	int uuid_kept, ret = -1;

	if (vm_load(toml, dirs, &cfg, err) < 0 ||	/* it inits cfg */
	    vm_plan_one(&cfg, topology, dirs, &hp, &plan, &notes, err) < 0 ||
	    vm_plan_qemu_runtime(&cfg, 1, &rt, &uuid_kept, err) < 0)
		goto out;
	if (qemu_argv_build(&cfg, &plan, &rt, argv, &notes, &err->msg) < 0)
		goto out;
	ret = 0;
out:
	pin_plan_release(&plan);
	host_plan_release(&hp);
	vm_plan_qemu_runtime_release(&rt);
	strvec_clear(&notes);
	vm_config_release(&cfg);
	return ret;
}

int vm_import_argvs(const char *xml, size_t len, const struct libvirt_import *imp, const char *connect,
		    const char *topology, const struct vm_dirs *dirs, struct strvec *libvirt_argv,
		    struct strvec *mvl_argv, struct err *err)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = xstrfmt("%s/mvlaunch-import.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	char *xml_path = NULL, *toml_path = NULL;
	int ret = -1;

	if (!mkdtemp(dir)) {	/* 0700: the domain may hold passwords */
		strbuf_addf(&err->msg, "cannot make a temporary directory '%s': %s", dir, strerror(errno));
		free(dir);
		return -1;
	}
	xml_path = xstrfmt("%s/domain.xml", dir);
	toml_path = xstrfmt("%s/%s.toml", dir, imp->name);
	if (atomic_write_file(xml_path, xml, len, 0, &err->msg) < 0 ||
	    atomic_write_file(toml_path, imp->toml.buf, imp->toml.len, 0, &err->msg) < 0)
		goto out;
	{
		struct err e = ERR_INIT;

		if (mvlaunch_argv(toml_path, topology, dirs, mvl_argv, &e) < 0) {
			strbuf_addf(&err->msg, "mvlaunch's command line for the import: %s", e.msg.buf);
			if (e.hint.len)
				err_hintf(err, "%s", e.hint.buf);
			else if (!topology)
				err_hintf(err, "planned on this host; --topology FILE.xml plans it for the domain's own host");
			err_release(&e);
			goto out;
		}
	}
	if (run_virsh(xml_path, connect, libvirt_argv, err) < 0)
		goto out;
	ret = 0;
out:
	unlink(xml_path);
	unlink(toml_path);
	rmdir(dir);
	free(xml_path);
	free(toml_path);
	free(dir);
	return ret;
}
