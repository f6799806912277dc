/*
 * proc.c - /proc readers (see proc.h).
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "util/proc.h"
#include "util/strbuf.h"
#include "util/wrapper.h"
#include "util/banned.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

static int cmp_tid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

int proc_threads(pid_t pid, pid_t **tids, size_t *nr)
{
	char path[64];
	DIR *d;
	struct dirent *de;
	size_t alloc = 0;

	*tids = NULL;
	*nr = 0;
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		ALLOC_GROW(*tids, *nr + 1, alloc);
		(*tids)[(*nr)++] = (pid_t)atoi(de->d_name);
	}
	closedir(d);
	qsort(*tids, *nr, sizeof(**tids), cmp_tid);
	return 0;
}

/* Whether process pid has a thread besides its leader (task/ lists the leader too, zombie or not). */
static int has_other_threads(pid_t pid)
{
	pid_t *tids;
	size_t nr;

	if (proc_threads(pid, &tids, &nr) < 0)
		return 0;
	free(tids);
	return nr > 1;
}

unsigned long long proc_start_time(pid_t pid)
{
	char path[64], buf[1024];
	unsigned long long st = 0;
	ssize_t n;
	char *p;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');	/* comm may contain spaces and ')' */
	if (!p)
		return 0;
	/*
	 * after ") " come field 3 (state) .. field 22 (starttime). A zombie
	 * leader has exited, but while other threads of it run (QEMU's exit
	 * takes a moment) the process still holds its memory: alive.
	 */
	if (p[1] == ' ' && p[2] == 'Z' && !has_other_threads(pid))
		return 0;
	p += 2;
	for (int field = 3; field < 22 && p; field++) {
		p = strchr(p, ' ');
		if (p)
			p++;
	}
	if (p)
		st = strtoull(p, NULL, 10);
	return st;
}

#define PF_KTHREAD 0x00200000

/* "pid (comm) S ...": comm, flags (field 9), processor (field 39); the comm may hold ')' */
static int parse_task_stat(const char *buf, struct proc_task *t)
{
	const char *open = strchr(buf, '('), *close = strrchr(buf, ')'), *p;
	unsigned long flags = 0;
	size_t len;
	int field = 3;

	if (!open || !close || close < open || !close[1])
		return -1;
	len = (size_t)(close - open - 1) < sizeof(t->comm) - 1 ? (size_t)(close - open - 1) : sizeof(t->comm) - 1;
	memcpy(t->comm, open + 1, len);
	t->comm[len] = 0;
	for (p = close + 2; *p && field < 39; p++) {
		if (*p != ' ')
			continue;
		if (++field == 9)
			flags = strtoul(p + 1, NULL, 10);
	}
	if (field != 39 || sscanf(p, "%d", &t->cpu) != 1)
		return -1;
	t->kthread = !!(flags & PF_KTHREAD);
	return 0;
}

int proc_task_sample(pid_t pid, pid_t tid, struct proc_task *t)
{
	char path[64];
	struct strbuf sb = STRBUF_INIT;
	int ret = -1;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/schedstat", (int)pid, (int)tid);
	if (strbuf_read_file(&sb, path, 256, 0) < 0 || sscanf(sb.buf, "%llu %llu", &t->run_ns, &t->wait_ns) != 2)
		goto out;
	strbuf_reset(&sb);
	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)pid, (int)tid);
	if (strbuf_read_file(&sb, path, 4096, 0) < 0 || parse_task_stat(sb.buf, t) < 0)
		goto out;
	ret = 0;
out:
	strbuf_release(&sb);
	return ret;
}

int proc_pidfd(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

long long proc_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
