/*
 * test_vm_fanout.c - unit tests for launcher/vm/vm_fanout.c: the reason
 * taken from a worker's stderr (past the "cannot start VM" headline), the
 * summary's exact lines, and a real run of forked workers: every job runs
 * at once (each waits for all the others to have started), exit codes and
 * a killed worker are told apart, and the outputs come out whole in the
 * order named although the workers end in the reverse order. The settle
 * callback runs in the caller while workers run, as often as it asks.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tests/unit/unit.h"
#include "launcher/vm/vm_fanout.h"
#include "util/proc.h"
#include "util/strbuf.h"
#include "util/wrapper.h"

static void test_vm_fanout_reason(void **state)
{
	char *r;

	(void)state;
	r = vm_fanout_reason("mvlaunch: error: cannot start VM 'c'\nmvlaunch: error: QEMU exited 1\nhint: x\n");
	assert_string_equal(r, "QEMU exited 1");
	free(r);
	r = vm_fanout_reason("mvlaunch: warning: w\nmvlaunch: error: no such VM 'x': none\nhint: look\n");
	assert_string_equal(r, "no such VM 'x': none");
	free(r);
	/* the headline alone: it is the reason */
	r = vm_fanout_reason("mvlaunch: error: cannot stop VM 'd'\n");
	assert_string_equal(r, "cannot stop VM 'd'");
	free(r);
	r = vm_fanout_reason("mvlaunch: error: last line without newline");
	assert_string_equal(r, "last line without newline");
	free(r);
	assert_null(vm_fanout_reason("just output\nhint: nothing failed\n"));
	assert_null(vm_fanout_reason(""));
}

static void test_vm_fanout_summary(void **state)
{
	char broke[] = "it broke";
	struct vm_fanout_job jobs[] = {
		{ .name = "a", .code = 0 }, { .name = "b", .code = 1, .reason = broke },
		{ .name = "c", .code = 0 }, { .name = "d", .code = 137 },
	};
	struct strbuf out = STRBUF_INIT, err = STRBUF_INIT;

	(void)state;
	assert_int_equal(vm_fanout_summary(jobs, 4, "started", &out, &err), 2);
	assert_string_equal(out.buf, "started 2 of 4 VMs: a, c");
	assert_string_equal(err.buf, "  'b': it broke\n  'd': exit 137\n");
	strbuf_reset(&out);
	strbuf_reset(&err);
	assert_int_equal(vm_fanout_summary(jobs + 1, 1, "stopped", &out, &err), 1);
	assert_string_equal(out.buf, "stopped 0 of 1 VMs");
	strbuf_release(&out);
	strbuf_release(&err);
}

/*
 * A worker: says its name, then waits until every one of the three has
 * started (a file each in the shared directory), ends in reverse order of
 * names (c first), and exits as its name says.
 */
static char dir[64];

static int worker(const char *name, void *data)
{
	char *mine = xstrfmt("%s/%s", dir, name);
	int fd = open(mine, O_CREAT | O_WRONLY, 0600), all = 0;

	(void)data;
	close(fd);
	free(mine);
	for (int i = 0; i < 500; i++) {
		char *a = xstrfmt("%s/a", dir), *b = xstrfmt("%s/b", dir), *c = xstrfmt("%s/c", dir);
		all = !access(a, F_OK) && !access(b, F_OK) && !access(c, F_OK);
		free(a);
		free(b);
		free(c);
		if (all)
			break;
		usleep(10000);
	}
	usleep((useconds_t)('c' - name[0]) * 50000);
	printf("out of %s\n", name);
	fprintf(stderr, "mvlaunch: error: cannot start VM '%s'\n", name);
	if (name[0] == 'b')
		fprintf(stderr, "mvlaunch: error: b failed\n");
	if (!all)
		return 2;	/* the others had not started within 5 s: not at once */
	if (name[0] == 'c') {
		fflush(stdout);
		fflush(stderr);
		raise(SIGKILL);
	}
	return name[0] == 'b' ? 1 : 0;
}

static void test_vm_fanout_run(void **state)
{
	struct vm_fanout_job jobs[] = { { .name = "a" }, { .name = "b" }, { .name = "c" } };
	int out = memfd_create("out", 0), err = memfd_create("err", 0), save_out = dup(1), save_err = dup(2);
	char buf[512];
	ssize_t n;

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/mvl-fanout.XXXXXX");
	assert_non_null(mkdtemp(dir));
	fflush(stdout);
	dup2(out, 1);
	dup2(err, 2);
	n = vm_fanout_run(jobs, 3, worker, NULL, NULL, stdout, stderr);
	fflush(stdout);
	fflush(stderr);
	dup2(save_out, 1);
	dup2(save_err, 2);
	close(save_out);
	close(save_err);
	assert_int_equal(n, 2);
	assert_int_equal(jobs[0].code, 0);
	assert_int_equal(jobs[1].code, 1);
	assert_int_equal(jobs[2].code, 128 + SIGKILL);
	assert_null(jobs[0].reason);
	assert_string_equal(jobs[1].reason, "b failed");
	assert_string_equal(jobs[2].reason, "cannot start VM 'c'");
	/* all started together: every worker saw the three files (else each would wait 5 s) */
	lseek(out, 0, SEEK_SET);
	n = read(out, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	assert_string_equal(buf, "out of a\nout of b\nout of c\n");
	lseek(err, 0, SEEK_SET);
	n = read(err, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	assert_string_equal(buf, "mvlaunch: error: cannot start VM 'a'\nmvlaunch: error: cannot start VM 'b'\n"
				 "mvlaunch: error: b failed\nmvlaunch: error: cannot start VM 'c'\n");
	vm_fanout_release(jobs, 3);
	close(out);
	close(err);
	for (const char *f = "abc"; *f; f++) {
		char *p = xstrfmt("%s/%c", dir, *f);

		unlink(p);
		free(p);
	}
	rmdir(dir);
}

struct settled {
	int calls, ended_seen;		/* calls in all; the most jobs seen ended (pid 0) at one */
	long long first_ms, last_ms;
};

static int settle(void *data, const struct vm_fanout_job *jobs, size_t nr)
{
	struct settled *s = data;
	int ended = 0;

	for (size_t i = 0; i < nr; i++)
		ended += !jobs[i].pid;
	if (ended > s->ended_seen)
		s->ended_seen = ended;
	if (!s->calls++)
		s->first_ms = proc_mono_ms();
	s->last_ms = proc_mono_ms();
	return 50;
}

static int sleeper(const char *name, void *data)
{
	(void)data;
	usleep(name[0] == 'a' ? 50000 : 400000);
	return 0;
}

/* settle runs in the caller while the workers run: at once, then within the ms it asks, and sees each end. */
static void test_vm_fanout_settle(void **state)
{
	struct vm_fanout_job jobs[] = { { .name = "a" }, { .name = "b" } };
	struct settled s = { 0 };

	(void)state;
	assert_int_equal(vm_fanout_run(jobs, 2, sleeper, &s, settle, stdout, stderr), 0);
	/* 400 ms of waiting, asked back every 50 ms: about 8 calls, not one per worker's end */
	assert_true(s.calls >= 5);
	assert_true(s.last_ms - s.first_ms >= 250);
	assert_int_equal(s.ended_seen, 1);	/* a ended while b still ran */
	vm_fanout_release(jobs, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vm_fanout_reason),
		cmocka_unit_test(test_vm_fanout_summary),
		cmocka_unit_test(test_vm_fanout_run),
		cmocka_unit_test(test_vm_fanout_settle),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
