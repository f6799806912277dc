/*
 * hooks.c - find and run a VM's hooks (see hooks.h).
 *
 * Listing is apart from running, so 'check' shows exactly what 'up' and
 * 'down' would run. A phase without hooks costs two failed opendir()s and
 * touches nothing else: no log directory, no fork.
 *
 * DESIGN
 * A hook is a separate program the user wrote, so it gets nothing of ours
 * but the environment and the four variables: no descriptor but stdin
 * (/dev/null) and stdout/stderr (hooks.log), no blocked signal, its own
 * process group so that a timeout ends whatever it started too. A CLOEXEC
 * pipe tells an exec failure apart from a hook that exits 127. The wait
 * polls a pidfd (and, for prepare and started, the interrupt signalfd), so
 * a timeout or a Ctrl-C ends the hook at once, never after it.
 */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "launcher/vm/hooks.h"
#include "launcher/vm/runtime.h"
#include "util/interrupt.h"
#include "util/proc.h"
#include "util/trust.h"
#include "util/wrapper.h"
#include "util/banned.h"

extern char **environ;

/* hooks.log is moved to hooks.log.1 once it is bigger than this. */
#define HOOKS_LOG_MAX (1 << 20)
/* How many of a failed hook's last lines its error shows. */
#define HOOKS_TAIL_LINES 5

static const char *const phase_names[HOOKS_NR_PHASES] = {
	[HOOKS_PREPARE] = "prepare",
	[HOOKS_STARTED] = "started",
	[HOOKS_STOPPED] = "stopped",
	[HOOKS_RELEASE] = "release",
};

const char *hooks_phase_name(enum hooks_phase phase)
{
	return phase < HOOKS_NR_PHASES ? phase_names[phase] : "?";
}

static int timeout_ms_from_env(void)
{
	const char *v = getenv("MVLAUNCH_HOOK_TIMEOUT");
	char *end;
	long s;

	if (!v || !*v)
		return HOOKS_TIMEOUT_S_DEFAULT * 1000;
	s = strtol(v, &end, 10);
	return *end || s < 1 || s > 86400 ? HOOKS_TIMEOUT_S_DEFAULT * 1000 : (int)s * 1000;
}

void hooks_vm_init(struct hooks_vm *vm, const char *name, const char *config)
{
	char *abs, *slash, *real;

	*vm = (struct hooks_vm)HOOKS_VM_INIT;
	vm->name = xstrdup(name);
	if (config[0] == '/') {
		abs = xstrdup(config);
	} else {
		char *cwd = getcwd(NULL, 0);

		abs = xstrfmt("%s/%s", cwd ? cwd : ".", config);
		free(cwd);
	}
	/* the directory the config was found in, even when the file is a link to elsewhere */
	slash = strrchr(abs, '/');
	vm->dir = xstrfmt("%.*s/hooks.d", (int)(slash - abs), abs);
	/* MVLAUNCH_CONFIG is what state.json records: the file itself */
	real = realpath(abs, NULL);
	if (real) {
		vm->config = real;
		free(abs);
	} else {
		vm->config = abs;
	}
	vm->timeout_ms = timeout_ms_from_env();
}

void hooks_vm_from_state(struct hooks_vm *vm, const char *name, const struct vm_state *st, const struct vm_dirs *dirs)
{
	char *config = st && st->config ? xstrdup(st->config) : xstrfmt("%s/%s.toml", paths_vms_dir(dirs), name);

	hooks_vm_init(vm, name, config);
	free(config);
	if (st && st->hooks_dir) {
		free(vm->dir);
		vm->dir = xstrdup(st->hooks_dir);
	}
	vm->pid = st ? st->pid : 0;
}

void hooks_vm_release(struct hooks_vm *vm)
{
	free(vm->name);
	free(vm->config);
	free(vm->dir);
	*vm = (struct hooks_vm)HOOKS_VM_INIT;
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

/* What run-parts leaves alone: hidden files, editor backups, package managers' leftovers. */
static int skipped_name(const char *file)
{
	return file[0] == '.' || ends_with(file, "~") || ends_with(file, ".swp") || strstr(file, ".dpkg-") ||
	       ends_with(file, ".rpmsave") || ends_with(file, ".rpmnew") || ends_with(file, ".rpmorig");
}

static void list_add(struct hook_list *list, char *path, enum hook_status status, const struct err *why)
{
	struct hook *h;

	ALLOC_GROW(list->v, list->nr + 1, list->alloc);
	h = &list->v[list->nr++];
	memset(h, 0, sizeof(*h));
	h->path = path;
	h->file = strrchr(path, '/') + 1;
	h->status = status;
	if (why) {
		h->why = xstrdup(why->msg.buf);
		h->fix = why->hint.len ? xstrdup(why->hint.buf) : NULL;
	}
}

/*
 * The entries of one PHASE.d. Run as root, the directory, the one above it
 * (all or NAME) and HOOKS_DIR must be safe; if not, every hook in it is
 * refused with that reason.
 */
static int list_dir(const char *hooks_dir, const char *sub, const char *phase, struct hook_list *list, struct err *err)
{
	char *subdir = xstrfmt("%s/%s", hooks_dir, sub), *dir = xstrfmt("%s/%s.d", subdir, phase);
	struct err dir_why = ERR_INIT;
	DIR *d = opendir(dir);
	struct dirent *de;
	int ret = 0;

	if (!d) {
		if (errno != ENOENT) {
			strbuf_addf(&err->msg, "cannot read hook directory '%s': %s", dir, strerror(errno));
			ret = -1;
		}
		goto out;
	}
	if (trust_file(dir, "hook directory", &dir_why) == 0)
		trust_file(subdir, "hook directory", &dir_why);
	while ((de = readdir(d))) {
		struct err why = ERR_INIT;
		struct stat st;
		char *path;

		if (skipped_name(de->d_name))
			continue;
		path = xstrfmt("%s/%s", dir, de->d_name);
		if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
			list_add(list, path, HOOK_NOT_REGULAR, NULL);
		else if (access(path, X_OK) < 0)
			list_add(list, path, HOOK_NOT_EXECUTABLE, NULL);
		else if (dir_why.msg.len)
			list_add(list, path, HOOK_UNTRUSTED, &dir_why);
		else if (trust_file(path, "hook", &why) < 0)
			list_add(list, path, HOOK_UNTRUSTED, &why);
		else
			list_add(list, path, HOOK_RUN, NULL);
		err_release(&why);
	}
	closedir(d);
out:
	err_release(&dir_why);
	free(subdir);
	free(dir);
	return ret;
}

/* By file name; for the same name, all/'s before the VM's own (which then replaces it). */
static int hook_cmp(const void *a, const void *b)
{
	const struct hook *x = a, *y = b;
	int c = strcmp(x->file, y->file);

	return c ? c : x->own - y->own;
}

static void hook_release(struct hook *h)
{
	free(h->path);
	free(h->why);
	free(h->fix);
}

int hooks_list(const struct hooks_vm *vm, enum hooks_phase phase, struct hook_list *list, struct err *err)
{
	struct hook_list found = HOOK_LIST_INIT;
	size_t n_all;
	int ret = 0;

	if (list_dir(vm->dir, "all", hooks_phase_name(phase), &found, err) < 0)
		ret = -1;
	n_all = found.nr;
	/* a VM called 'all' has one directory, not two */
	if (strcmp(vm->name, "all") && list_dir(vm->dir, vm->name, hooks_phase_name(phase), &found, err) < 0)
		ret = -1;
	for (size_t i = n_all; i < found.nr; i++)
		found.v[i].own = 1;
	if (found.nr)
		qsort(found.v, found.nr, sizeof(*found.v), hook_cmp);
	for (size_t i = 0; i < found.nr; i++) {
		if (i + 1 < found.nr && !strcmp(found.v[i].file, found.v[i + 1].file)) {
			hook_release(&found.v[i]);	/* all/'s, replaced by the VM's own */
			continue;
		}
		ALLOC_GROW(list->v, list->nr + 1, list->alloc);
		list->v[list->nr++] = found.v[i];
	}
	free(found.v);
	return ret;
}

void hooks_list_release(struct hook_list *list)
{
	for (size_t i = 0; i < list->nr; i++)
		hook_release(&list->v[i]);
	free(list->v);
	list->v = NULL;
	list->nr = list->alloc = 0;
}

/* "[2026-12-02 10:00:00] prepare: " into sb. */
static void log_prefix(struct strbuf *sb, enum hooks_phase phase)
{
	char when[32];
	time_t now = time(NULL);
	struct tm tm;

	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime_r(&now, &tm));
	strbuf_addf(sb, "[%s] %s: ", when, hooks_phase_name(phase));
}

static void log_line(int fd, enum hooks_phase phase, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void log_line(int fd, enum hooks_phase phase, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	log_prefix(&sb, phase);
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	strbuf_addch(&sb, '\n');
	write_in_full(fd, sb.buf, sb.len);
	strbuf_release(&sb);
}

/* Open LOG/NAME/hooks.log for appending (made, or moved to hooks.log.1 when big); -1 with the reason. */
static int open_log(const struct hooks_vm *vm, char **path_out, struct err *err)
{
	char *path = runtime_log_path(vm->name, "hooks.log");
	struct stat st;
	int fd;

	*path_out = path;
	if (runtime_log_dir(vm->name, err) < 0)
		return -1;
	if (lstat(path, &st) == 0 && st.st_size > HOOKS_LOG_MAX) {
		char *old = xstrfmt("%s.1", path);

		rename(path, old);
		free(old);
	}
	/* read too: a failed hook's last lines go into its error */
	fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		strbuf_addf(&err->msg, "cannot open the hooks' log '%s': %s", path, strerror(errno));
	return fd;
}

/* The environment a hook gets: ours, with the four variables set (and MVLAUNCH_PID only when there is one). */
static void hook_env(struct strvec *env, const struct hooks_vm *vm, enum hooks_phase phase)
{
	static const char *const ours[] = { "MVLAUNCH_VM=", "MVLAUNCH_PHASE=", "MVLAUNCH_PID=", "MVLAUNCH_CONFIG=" };

	for (char **e = environ; e && *e; e++) {
		size_t i;

		for (i = 0; i < ARRAY_SIZE(ours) && strncmp(*e, ours[i], strlen(ours[i])); i++)
			;
		if (i == ARRAY_SIZE(ours))
			strvec_push(env, *e);
	}
	strvec_pushf(env, "MVLAUNCH_VM=%s", vm->name);
	strvec_pushf(env, "MVLAUNCH_PHASE=%s", hooks_phase_name(phase));
	if (vm->pid > 0 && (phase == HOOKS_STARTED || phase == HOOKS_STOPPED))
		strvec_pushf(env, "MVLAUNCH_PID=%d", (int)vm->pid);
	if (vm->config)
		strvec_pushf(env, "MVLAUNCH_CONFIG=%s", vm->config);
}

/* In the child: nothing of ours but the log; on an exec failure, errno down the pipe. */
static void child_exec(const char *path, char *const *argv, char *const *envp, int log_fd, int report_fd)
{
	sigset_t none;
	int null_fd, e;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	setpgid(0, 0);
	/* out of 0-2 first, so the dup2()s below cannot clobber them */
	log_fd = fcntl(log_fd, F_DUPFD, 3);
	report_fd = fcntl(report_fd, F_DUPFD_CLOEXEC, 3);
	null_fd = open("/dev/null", O_RDONLY);
	if (log_fd < 0 || report_fd < 0 || null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(log_fd, 1) < 0 ||
	    dup2(log_fd, 2) < 0)
		goto fail;
	close_range(3, (unsigned)report_fd - 1, 0);
	close_range((unsigned)report_fd + 1, ~0U, 0);
	execve(path, argv, envp);
fail:
	e = errno;
	if (write(report_fd, &e, sizeof(e)) < 0)
		_exit(126);
	_exit(127);
}

/* Signal the hook's process group, falling back on the hook alone if the group is not its yet. */
static void kill_group(pid_t pid, int sig)
{
	if (kill(-pid, sig) < 0)
		kill(pid, sig);
}

/*
 * Wait for the hook: 1 when it exited (*status), 0 when timeout_ms passed,
 * -sig when a watched interrupt came first.
 */
static int wait_hook(pid_t pid, int pidfd, int timeout_ms, int watch_interrupt, int *status)
{
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = pidfd, .events = POLLIN },
			{ .fd = watch_interrupt ? interrupt_fd() : -1, .events = POLLIN },
		};
		int left, sig;

		if (waitpid(pid, status, WNOHANG) == pid)
			return 1;
		if (watch_interrupt && (sig = interrupt_pending()))
			return -sig;
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = timeout_ms - (int)((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000);
		if (left <= 0)
			return 0;
		/* without a pidfd, look again every 20 ms */
		poll(pfd, 2, pidfd >= 0 ? left : (left < 20 ? left : 20));
	}
}

/* The last HOOKS_TAIL_LINES lines written to fd after offset 'from', each indented, into sb. */
static void output_tail(int fd, off_t from, struct strbuf *sb)
{
	off_t end = lseek(fd, 0, SEEK_END);
	struct strbuf text = STRBUF_INIT;
	char buf[4096];
	const char *p;
	int lines = 0;
	ssize_t n;

	if (end - from > (off_t)sizeof(buf))
		from = end - (off_t)sizeof(buf);
	n = end > from ? pread(fd, buf, (size_t)(end - from), from) : 0;
	if (n <= 0)
		return;
	strbuf_add(&text, buf, (size_t)n);
	while (text.len && text.buf[text.len - 1] == '\n')
		strbuf_setlen(&text, text.len - 1);
	for (p = text.buf + text.len; p > text.buf; p--)
		if (p[-1] == '\n' && ++lines == HOOKS_TAIL_LINES)
			break;
	if (text.len) {
		strbuf_addstr(sb, "; its last lines:");
		while (*p) {
			size_t len = strcspn(p, "\n");

			strbuf_addf(sb, "\n  %.*s", (int)len, p);
			p += len + (p[len] == '\n');
		}
	}
	strbuf_release(&text);
}

/*
 * Run one hook with its output in log_fd; 0 when it exited 0, else -1 with
 * how it ended in 'how' ("exited with status 3").
 */
static int run_one(const struct hooks_vm *vm, enum hooks_phase phase, const char *path, int log_fd,
		   struct strbuf *how)
{
	struct strvec argv = STRVEC_INIT, env = STRVEC_INIT;
	struct timespec t0, t1;
	int watch = phase == HOOKS_PREPARE || phase == HOOKS_STARTED;
	int pipefd[2], status = 0, exec_errno, r, pidfd, ret = -1;
	ssize_t n;
	pid_t pid;

	strvec_pushl(&argv, path, vm->name, hooks_phase_name(phase), NULL);
	hook_env(&env, vm, phase);
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		strbuf_addf(how, "could not be started: cannot create a pipe: %s", strerror(errno));
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		strbuf_addf(how, "could not be started: cannot fork: %s", strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		goto out;
	}
	if (pid == 0) {
		close(pipefd[0]);
		child_exec(path, argv.v, env.v, log_fd, pipefd[1]);
	}
	setpgid(pid, pid);	/* also here: a timeout may come before the child's own call */
	close(pipefd[1]);
	do
		n = read(pipefd[0], &exec_errno, sizeof(exec_errno));
	while (n < 0 && errno == EINTR);
	close(pipefd[0]);
	if (n == (ssize_t)sizeof(exec_errno)) {
		waitpid(pid, &status, 0);
		strbuf_addf(how, "could not be run: %s", strerror(exec_errno));
		goto out;
	}
	pidfd = proc_pidfd(pid);
	r = wait_hook(pid, pidfd, vm->timeout_ms, watch, &status);
	if (r <= 0) {
		if (r == 0 && vm->timeout_ms % 1000)
			strbuf_addf(how, "did not end within %d ms", vm->timeout_ms);
		else if (r == 0)
			strbuf_addf(how, "did not end within %d s", vm->timeout_ms / 1000);
		else
			strbuf_addf(how, "was cut short by %s to mvlaunch", interrupt_name(-r));
		kill_group(pid, SIGTERM);
		if (wait_hook(pid, pidfd, HOOKS_KILL_GRACE_MS, 0, &status) == 1) {
			strbuf_addstr(how, ": its process group was stopped with SIGTERM");
		} else {
			kill_group(pid, SIGKILL);
			waitpid(pid, &status, 0);
			strbuf_addstr(how, ": its process group was stopped with SIGTERM, then SIGKILL");
		}
		/* anything of the group that outlived SIGTERM goes too */
		kill(-pid, SIGKILL);
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		ret = 0;
		clock_gettime(CLOCK_MONOTONIC, &t1);
		strbuf_addf(how, "exited with status 0 (%.2f s)",
			    (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	} else if (WIFEXITED(status)) {
		strbuf_addf(how, "exited with status %d", WEXITSTATUS(status));
	} else {
		strbuf_addf(how, "was killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
	}
	if (pidfd >= 0)
		close(pidfd);
out:
	strvec_clear(&argv);
	strvec_clear(&env);
	return ret;
}

int hooks_run(const struct hooks_vm *vm, enum hooks_phase phase, int *ran, struct err *err)
{
	struct hook_list list = HOOK_LIST_INIT;
	int stop_at_failure = phase == HOOKS_PREPARE || phase == HOOKS_STARTED;
	int log_fd = -1, failed = 0, ret = -1;
	char *log = NULL;

	if (ran)
		*ran = 0;
	if (hooks_list(vm, phase, &list, err) < 0)
		goto out;
	if (!list.nr) {
		ret = 0;
		goto out;
	}
	log_fd = open_log(vm, &log, err);
	if (log_fd < 0)
		goto out;
	for (size_t i = 0; i < list.nr && !(failed && stop_at_failure); i++) {
		const struct hook *h = &list.v[i];
		struct strbuf how = STRBUF_INIT;
		off_t from;

		switch (h->status) {
		case HOOK_NOT_EXECUTABLE:
		case HOOK_NOT_REGULAR:
			log_line(log_fd, phase, "skipped %s: %s", h->path,
				 h->status == HOOK_NOT_EXECUTABLE ? "not executable" : "not a regular file");
			continue;
		case HOOK_UNTRUSTED:
			log_line(log_fd, phase, "refused %s: %s", h->path, h->why);
			strbuf_addf(&err->msg, "%s%s hook of '%s' refused: %s", err->msg.len ? "\n" : "",
				    hooks_phase_name(phase), vm->name, h->why);
			if (h->fix)
				err_hintf(err, "%s", h->fix);
			failed = 1;
			continue;
		case HOOK_RUN:
			break;
		}
		log_line(log_fd, phase, "running %s", h->path);
		from = lseek(log_fd, 0, SEEK_END);
		if (ran)
			(*ran)++;
		if (run_one(vm, phase, h->path, log_fd, &how) < 0) {
			strbuf_addf(&err->msg, "%s%s hook '%s' of '%s' %s", err->msg.len ? "\n" : "", hooks_phase_name(phase),
				    h->path, vm->name, how.buf);
			output_tail(log_fd, from, &err->msg);
			log_line(log_fd, phase, "%s %s", h->path, how.buf);
			failed = 1;
		} else {
			log_line(log_fd, phase, "%s %s", h->path, how.buf);
		}
		strbuf_release(&how);
	}
	if (failed)
		err_hintf(err, "the hooks' output is in '%s'", log);
	ret = failed ? -1 : 0;
out:
	if (log_fd >= 0)
		close(log_fd);
	free(log);
	hooks_list_release(&list);
	return ret;
}

int hooks_run_cleanup(const struct hooks_vm *vm, enum hooks_phase phase, struct err *err)
{
	struct err e = ERR_INIT;
	int ret = hooks_run(vm, phase, NULL, &e);

	if (ret < 0) {
		if (strstr(err->hint.buf, e.hint.buf))
			strbuf_reset(&e.hint);	/* "the hooks' output is in ..." once */
		err_add(err, &e);
	}
	err_release(&e);
	return ret;
}

void hooks_check(struct check_report *r, const struct hooks_vm *vm)
{
	const char *saved = r->vm;
	int any = 0;

	r->vm = vm->name;
	for (int phase = 0; phase < HOOKS_NR_PHASES; phase++) {
		struct hook_list list = HOOK_LIST_INIT;
		struct strbuf runs = STRBUF_INIT;
		struct err err = ERR_INIT;
		char *check = xstrfmt("hooks.%s", hooks_phase_name(phase));

		if (hooks_list(vm, phase, &list, &err) < 0)
			check_add(r, check, CHECK_FAIL, "make it readable, or remove it", "%s", err.msg.buf);
		for (size_t i = 0; i < list.nr; i++) {
			const struct hook *h = &list.v[i];
			const char *shown = h->path + strlen(vm->dir) + 1;

			any = 1;
			if (h->status == HOOK_RUN)
				strbuf_addf(&runs, "%s%s", runs.len ? ", " : "", shown);
			else if (h->status == HOOK_UNTRUSTED)
				check_add(r, check, CHECK_FAIL, h->fix, "%s; 'up' fails until it is fixed", h->why);
			else {
				char *fix = xstrfmt("chmod +x '%s' to run it, or remove it", h->path);

				check_add(r, check, CHECK_WARN, fix, "'%s' is not %s: skipped", h->path,
					  h->status == HOOK_NOT_EXECUTABLE ? "executable" : "a regular file");
				free(fix);
			}
		}
		if (runs.len)
			check_add(r, check, CHECK_PASS, NULL, "runs, in this order (in %s): %s", vm->dir, runs.buf);
		strbuf_release(&runs);
		err_release(&err);
		hooks_list_release(&list);
		free(check);
	}
	if (!any)
		check_add(r, "hooks", CHECK_PASS, NULL, "no hooks (looked for in %s/{all,%s}/{prepare,started,stopped,release}.d)",
			  vm->dir, vm->name);
	r->vm = saved;
}
