/*
 * vm_fanout.c - one command on several VMs at once (see vm_fanout.h).
 *
 * DESIGN
 * Workers are processes, not threads: the single-VM code paths keep their
 * process-wide state (the interrupt signalfd, the step timer, the QEMU
 * child they reap, the locks they hold by open file) exactly as when one
 * VM is named, and a worker that crashes takes no other VM with it. Their
 * output goes to memfds rather than pipes, so a worker never blocks on a
 * full pipe while the parent waits for an earlier one. Signals stay
 * blocked in the workers as interrupt_arm() left them, and the parent
 * forwards the ones it receives, so each worker undoes its start just as
 * a lone 'up' does on Ctrl-C.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launcher/vm/vm_fanout.h"
#include "util/interrupt.h"
#include "util/proc.h"
#include "util/wrapper.h"
#include "util/banned.h"

#define ERROR_PREFIX "mvlaunch: error: "

static int memfd(const char *name)
{
	return memfd_create(name, MFD_CLOEXEC);
}

/* Copy fd (from its start) to 'to'; the fd is closed. */
static void dump(int *fd, FILE *to)
{
	char buf[8192];
	ssize_t n;

	if (*fd < 0)
		return;
	fflush(to);
	lseek(*fd, 0, SEEK_SET);
	while ((n = read(*fd, buf, sizeof(buf))) > 0)
		if (fwrite(buf, 1, (size_t)n, to) != (size_t)n)
			break;
	fflush(to);
	close(*fd);
	*fd = -1;
}

static char *read_all(int fd)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[8192];
	ssize_t n;

	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		strbuf_add(&sb, buf, (size_t)n);
	return strbuf_detach(&sb);
}

char *vm_fanout_reason(const char *text)
{
	const char *headline = NULL;

	for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		const char *end = strchrnul(line, '\n'), *msg = line + strlen(ERROR_PREFIX);

		if (strncmp(line, ERROR_PREFIX, strlen(ERROR_PREFIX)))
			continue;
		if (!strncmp(msg, "cannot start VM '", 17) || !strncmp(msg, "cannot stop VM '", 16)) {
			if (!headline)
				headline = line;
			continue;
		}
		return xstrndup(msg, (size_t)(end - msg));
	}
	if (headline) {
		const char *msg = headline + strlen(ERROR_PREFIX);

		return xstrndup(msg, (size_t)(strchrnul(msg, '\n') - msg));
	}
	return NULL;
}

static void reaped(struct vm_fanout_job *j, int status)
{
	char *text;

	j->pid = 0;
	j->code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	if (!j->code || j->err_fd < 0)
		return;
	text = read_all(j->err_fd);
	j->reason = vm_fanout_reason(text);
	free(text);
}

/* Copy every finished job's output up to the first one still running. */
static void print_ready(struct vm_fanout_job *jobs, size_t nr, size_t *next, FILE *out, FILE *err)
{
	while (*next < nr && !jobs[*next].pid) {
		dump(&jobs[*next].out_fd, out);
		dump(&jobs[*next].err_fd, err);
		(*next)++;
	}
}

int vm_fanout_run(struct vm_fanout_job *jobs, size_t nr, int (*fn)(const char *name, void *data), void *data,
		  vm_fanout_settle_fn settle, FILE *out, FILE *err)
{
	size_t running = 0, printed = 0, failed = 0;
	struct pollfd *pfds;
	int forwarded = 0, *pidfds;

	for (size_t i = 0; i < nr; i++) {
		struct vm_fanout_job *j = &jobs[i];

		j->pid = 0;
		j->started = 0;
		j->code = 1;
		j->reason = NULL;
		j->out_fd = memfd("mvlaunch-out");
		j->err_fd = memfd("mvlaunch-err");
		if (j->out_fd < 0 || j->err_fd < 0) {
			j->reason = xstrfmt("cannot make a memory file for its output: %s", strerror(errno));
			continue;
		}
		fflush(out);
		fflush(err);
		j->pid = fork();
		if (j->pid < 0) {
			j->pid = 0;
			j->reason = xstrfmt("cannot fork a worker: %s", strerror(errno));
			continue;
		}
		j->started = 1;
		if (j->pid == 0) {
			int code;

			dup2(j->out_fd, 1);
			dup2(j->err_fd, 2);
			for (size_t k = 0; k <= i; k++) {
				close(jobs[k].out_fd);
				close(jobs[k].err_fd);
			}
			code = fn(j->name, data);
			fflush(stdout);
			fflush(stderr);
			_exit(code);
		}
		running++;
	}
	if (!running && nr)
		return -1;
	pfds = xcalloc(nr + 1, sizeof(*pfds));
	pidfds = xcalloc(nr + 1, sizeof(*pidfds));
	for (size_t i = 0; i < nr; i++)
		pidfds[i] = jobs[i].pid > 0 ? proc_pidfd(jobs[i].pid) : -1;
	while (running) {
		int status, sig, nfds = 0, blind = 0, wait_ms;
		pid_t pid = waitpid(-1, &status, WNOHANG);

		if (pid > 0) {
			for (size_t i = 0; i < nr; i++)
				if (jobs[i].pid == pid) {
					reaped(&jobs[i], status);
					running--;
				}
			print_ready(jobs, nr, &printed, out, err);
			continue;
		}
		if (pid < 0 && errno != EINTR)
			break;
		/*
		 * Sleep until a worker exits (its pidfd turns readable) or a signal
		 * comes: no polling interval between the last worker's exit and
		 * the summary. Without pidfds (before Linux 5.3), every 10 ms.
		 */
		if (interrupt_fd() >= 0 && !forwarded)
			pfds[nfds++] = (struct pollfd){ .fd = interrupt_fd(), .events = POLLIN };
		for (size_t i = 0; i < nr; i++) {
			if (jobs[i].pid <= 0)
				continue;
			if (pidfds[i] < 0)
				blind = 1;
			else
				pfds[nfds++] = (struct pollfd){ .fd = pidfds[i], .events = POLLIN };
		}
		wait_ms = settle ? settle(data, jobs, nr) : -1;
		if (blind && (wait_ms < 0 || wait_ms > 10))
			wait_ms = 10;
		if (poll(pfds, (nfds_t)nfds, wait_ms) < 0 && errno != EINTR)
			usleep(10000);
		/* a signal for the command goes to each worker once: they undo their own work */
		if (!forwarded && interrupt_fd() >= 0 && (sig = interrupt_pending())) {
			for (size_t i = 0; i < nr; i++)
				if (jobs[i].pid > 0)
					kill(jobs[i].pid, sig);
			forwarded = 1;	/* the signal stays pending here until the command takes it */
		}
	}
	for (size_t i = 0; i < nr; i++)
		if (pidfds[i] >= 0)
			close(pidfds[i]);
	free(pidfds);
	free(pfds);
	print_ready(jobs, nr, &printed, out, err);
	for (size_t i = 0; i < nr; i++)
		failed += jobs[i].code != 0;
	return (int)failed;
}

size_t vm_fanout_summary(const struct vm_fanout_job *jobs, size_t nr, const char *verb, struct strbuf *out,
			 struct strbuf *err)
{
	size_t ok = 0, failed = 0;

	for (size_t i = 0; i < nr; i++)
		ok += !jobs[i].code;
	strbuf_addf(out, "%s %zu of %zu VMs", verb, ok, nr);
	for (size_t i = 0, n = 0; i < nr; i++)
		if (!jobs[i].code)
			strbuf_addf(out, "%s%s", n++ ? ", " : ": ", jobs[i].name);
	for (size_t i = 0; i < nr; i++) {
		if (!jobs[i].code)
			continue;
		failed++;
		if (jobs[i].reason)
			strbuf_addf(err, "  '%s': %s\n", jobs[i].name, jobs[i].reason);
		else
			strbuf_addf(err, "  '%s': exit %d\n", jobs[i].name, jobs[i].code);
	}
	return failed;
}

void vm_fanout_release(struct vm_fanout_job *jobs, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		if (jobs[i].out_fd >= 0)
			close(jobs[i].out_fd);
		if (jobs[i].err_fd >= 0)
			close(jobs[i].err_fd);
		jobs[i].out_fd = jobs[i].err_fd = -1;
		free(jobs[i].reason);
		jobs[i].reason = NULL;
	}
}
