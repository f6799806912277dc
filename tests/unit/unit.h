/*
 * unit.h - shared includes and helpers for the cmocka unit tests.
 */
#ifndef MVL_UNIT_H
#define MVL_UNIT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/err.h"
#include "util/strbuf.h"
#include "util/strvec.h"

#define UNIT_DATA "tests/unit/data/"

/*
 * Compare a whole vector with the NULL-terminated list of expected strings,
 * after git's check_strvec: on a mismatch print both sides and fail.
 */
static inline void check_strvec_list(const struct strvec *sv, const char **want, const char *file, int line)
{
	size_t i;

	for (i = 0; want[i] && i < sv->nr; i++) {
		if (strcmp(want[i], sv->v[i])) {
			print_error("%s:%d: argv[%zu] is '%s', expected '%s'\n", file, line, i, sv->v[i], want[i]);
			fail();
		}
	}
	if (want[i] || i != sv->nr) {
		print_error("%s:%d: argv has %zu entries, expected %zu\n", file, line, sv->nr, i + (want[i] ? 1 : 0));
		for (size_t j = 0; j < sv->nr; j++)
			print_error("  [%zu] %s\n", j, sv->v[j]);
		fail();
	}
}

#define check_argv(sv, ...) do { \
	const char *want_[] = { __VA_ARGS__, NULL }; \
	check_strvec_list((sv), want_, __FILE__, __LINE__); \
} while (0)

/*
 * The file a config text belongs in: a VM is known by its file name, so a
 * text that says name = "x" is DIR/x.toml; any other is DIR/DEFAULT.toml.
 */
static inline const char *unit_config_file(const char *dir, const char *def, const char *text, char buf[128])
{
	const char *p = strstr(text, "name = \"");
	size_t n;

	if (p && (p == text || p[-1] == '\n')) {
		p += 8;
		n = strcspn(p, "\"");
		snprintf(buf, 128, "%s%.*s.toml", dir, (int)n, p);
	} else {
		snprintf(buf, 128, "%s%s.toml", dir, def);
	}
	return buf;
}

/* Fake sysfs/procfs trees ($MVLAUNCH_SYSROOT) for the host tests. */

/* Write text to ROOT/path, making the directories on the way. */
static inline void tree_put(const char *root, const char *path, const char *text)
{
	char p[4096];
	FILE *f;

	snprintf(p, sizeof(p), "%s%s", root, path);
	for (char *s = p + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* A new empty tree under /tmp (root: a buffer of 64), set as $MVLAUNCH_SYSROOT. */
static inline void tree_make(char *root, const char *prefix)
{
	snprintf(root, 64, "/tmp/%s-XXXXXX", prefix);
	assert_non_null(mkdtemp(root));
	setenv("MVLAUNCH_SYSROOT", root, 1);
}

static inline int tree_remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path), 0;
}

/* rm -rf root: every file and directory under it, links not followed. */
static inline void tree_remove(const char *root)
{
	nftw(root, tree_remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * A new temp dir under /tmp (tmp: a buffer of 64) whose run/ and log/ are
 * $MVLAUNCH_RUNDIR and $MVLAUNCH_LOGDIR (run/ made when make_run), with no
 * status group. 0, or -1 (a cmocka setup's answer).
 */
static inline int unit_runtime_tmp(char *tmp, const char *prefix, int make_run)
{
	char path[128];

	snprintf(tmp, 64, "/tmp/%s-XXXXXX", prefix);
	if (!mkdtemp(tmp))
		return -1;
	chmod(tmp, 0711);	/* QEMU's user (security.user) passes through to run/ and log/ */
	snprintf(path, sizeof(path), "%s/run", tmp);
	setenv("MVLAUNCH_RUNDIR", path, 1);
	if (make_run)
		mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/log", tmp);
	setenv("MVLAUNCH_LOGDIR", path, 1);
	setenv("MVLAUNCH_GROUP", "mvl-no-such-group", 1);
	return 0;
}

/* Undo unit_runtime_tmp(), and kill and reap *child if there is one. */
static inline void unit_runtime_tmp_remove(const char *tmp, pid_t *child)
{
	if (child && *child > 0) {
		kill(*child, SIGKILL);
		waitpid(*child, NULL, 0);
		*child = -1;
	}
	tree_remove(tmp);
	unsetenv("MVLAUNCH_RUNDIR");
	unsetenv("MVLAUNCH_LOGDIR");
	unsetenv("MVLAUNCH_GROUP");
}

/*
 * An error as 'mvlaunch' prints it, for exact-text tests: the message, then
 * "hint: " and each hint line. The hint must be the field, never inside the
 * message. The text lives until the next call.
 */
static inline const char *err_text(const struct err *e)
{
	static struct strbuf sb = STRBUF_INIT;
	const char *p = e->hint.buf;

	assert_null(strstr(e->msg.buf, "hint:"));
	strbuf_reset(&sb);
	strbuf_addstr(&sb, e->msg.buf);
	while (*p) {
		size_t n = strcspn(p, "\n");

		strbuf_addf(&sb, "\nhint: %.*s", (int)n, p);
		p += n + (p[n] == '\n');
	}
	return sb.buf;
}

/*
 * Connect to the unix listener at path (that nobody accepts from) until its
 * queue is full: the connected fds in fds (at most max), how many. The
 * connect that found it full failed with EAGAIN (asserted).
 */
static inline int unit_fill_queue(const char *path, int *fds, int max)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int nr = 0;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	for (; nr < max; nr++) {
		fds[nr] = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (connect(fds[nr], (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			assert_int_equal(errno, EAGAIN);
			close(fds[nr]);
			break;
		}
	}
	return nr;
}

/* A pid no process can have: pids stay below pid_max. */
static inline pid_t unit_no_such_pid(void)
{
	FILE *f = fopen("/proc/sys/kernel/pid_max", "r");
	int max = 0;

	assert_non_null(f);
	assert_int_equal(fscanf(f, "%d", &max), 1);
	fclose(f);
	return (pid_t)max;
}

/* How many entries (besides . and ..) a directory has; -1 if it cannot be read. */
static inline int unit_dir_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return n;
}

#endif
