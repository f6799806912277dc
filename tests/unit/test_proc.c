/*
 * test_proc.c - unit tests for util/proc.c: the thread ids of a process
 * (this one, with two extra threads: all three, sorted) and its start time
 * (this process: field 22 of its stat line; an exited child: 0 while a
 * zombie and after it is reaped; a pid nobody has: 0).
 */
#include <pthread.h>
#include <sys/syscall.h>

#include "tests/unit/unit.h"
#include "util/proc.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int stop;

static void *idle(void *data)
{
	pid_t *tid = data;

	pthread_mutex_lock(&lock);
	*tid = (pid_t)syscall(SYS_gettid);
	pthread_cond_broadcast(&cond);
	while (!stop)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	return NULL;
}

static void test_proc_threads_self(void **state)
{
	pthread_t th[2];
	pid_t tid[2] = { 0, 0 }, *tids = NULL;
	size_t nr = 0;
	int seen[3] = { 0, 0, 0 };

	(void)state;
	stop = 0;
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&th[i], NULL, idle, &tid[i]), 0);
	pthread_mutex_lock(&lock);
	while (!tid[0] || !tid[1])
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);

	assert_int_equal(proc_threads(getpid(), &tids, &nr), 0);
	assert_int_equal(nr, 3);
	for (size_t i = 0; i < nr; i++) {
		if (i)
			assert_true(tids[i - 1] < tids[i]);
		seen[0] |= tids[i] == getpid();
		seen[1] |= tids[i] == tid[0];
		seen[2] |= tids[i] == tid[1];
	}
	assert_true(seen[0] && seen[1] && seen[2]);
	free(tids);

	pthread_mutex_lock(&lock);
	stop = 1;
	pthread_cond_broadcast(&cond);
	pthread_mutex_unlock(&lock);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
}

static void test_proc_threads_gone(void **state)
{
	pid_t *tids = (pid_t *)1;
	size_t nr = 7;

	(void)state;
	assert_int_equal(proc_threads(unit_no_such_pid(), &tids, &nr), -1);
	assert_null(tids);
	assert_int_equal(nr, 0);
}

/* Field 22 of /proc/PID/stat, read here without util/proc.c. */
static unsigned long long field22(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long v = 0;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')') + 2;
	for (int i = 3; i < 22; i++)
		p = strchr(p, ' ') + 1;
	assert_int_equal(sscanf(p, "%llu", &v), 1);
	return v;
}

static void test_proc_start_time(void **state)
{
	pid_t pid;
	int status;

	(void)state;
	assert_true(proc_start_time(getpid()) != 0);
	assert_true(proc_start_time(getpid()) == field22(getpid()));
	assert_true(proc_start_time(unit_no_such_pid()) == 0);

	pid = fork();
	if (!pid)
		_exit(0);
	/* a zombie without other threads has exited: no identity any more */
	for (int i = 0; i < 500; i++) {
		siginfo_t si = { 0 };

		if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) == 0 && si.si_pid == pid)
			break;
		usleep(10000);
	}
	assert_true(proc_start_time(pid) == 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(proc_start_time(pid) == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_proc_threads_self),
		cmocka_unit_test(test_proc_threads_gone),
		cmocka_unit_test(test_proc_start_time),
	};

	return cmocka_run_group_tests_name("test_proc", tests, NULL, NULL);
}
