/*
 * proc.c - /proc readers (see proc.h).
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/proc.h"
#include "util/wrapper.h"
#include "util/banned.h"

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
