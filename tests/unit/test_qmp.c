/*
 * test_qmp.c - unit tests for qmp/: the client against canned byte streams
 * on a socketpair (greeting, ids, interleaved events, errors, malformed,
 * truncated and oversized replies, timeouts), a command sent behind the
 * negotiation before QEMU greets, a connection that waits for no answer
 * (read at the first command), a listener whose queue is full (no connect
 * blocks for good), and the typed reply checks.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/unit/unit.h"
#include "qmp/qmp.h"
#include "qmp/qmp_cmds.h"
#include "util/wrapper.h"

#define GREETING "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, \"major\": 7}, \"package\": \"\"}, \"capabilities\": [\"oob\"]}}\r\n"
#define CAPS_OK "{\"return\": {}, \"id\": 1}\r\n"

/* A client on one end of a socketpair whose other end already holds 'script'. */
static int open_with(const char *script, struct qmp **q, int timeout_ms, struct strbuf *err, int *peer)
{
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(write(sv[1], script, strlen(script)), (ssize_t)strlen(script));
	*peer = sv[1];
	return qmp_open_fd(q, sv[0], timeout_ms, err);
}

static void test_qmp_connect_and_execute(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct qmp *q = NULL;
	json_t *ret = NULL, *ev = NULL;
	int peer;

	(void)state;
	assert_int_equal(open_with(GREETING CAPS_OK
				   "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": \"RESUME\"}\r\n"
				   "{\"return\": {\"status\": \"running\", \"running\": true}, \"id\": 2}\r\n",
				   &q, 1000, &err, &peer), 0);
	assert_string_equal(qmp_qemu_version(q), "7.2.22");
	assert_int_equal(qmp_execute(q, "query-status", NULL, &ret, &err), 0);
	assert_string_equal(json_string_value(json_object_get(ret, "status")), "running");
	json_decref(ret);
	assert_int_equal(qmp_pending_events(q), 1);
	assert_int_equal(qmp_wait_event(q, "RESUME", 100, &ev, &err), 0);
	assert_string_equal(json_string_value(json_object_get(ev, "event")), "RESUME");
	json_decref(ev);
	assert_int_equal(qmp_pending_events(q), 0);
	qmp_close(q);
	close(peer);
	strbuf_release(&err);
}

static void test_qmp_sent_bytes(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct qmp *q = NULL;
	char buf[512];
	ssize_t n;
	int peer;

	(void)state;
	assert_int_equal(open_with(GREETING CAPS_OK "{\"return\": {}, \"id\": 2}\n", &q, 1000, &err, &peer), 0);
	assert_int_equal(qmp_execute(q, "cont", NULL, NULL, &err), 0);
	n = read(peer, buf, sizeof(buf) - 1);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, "{\"execute\":\"qmp_capabilities\",\"id\":1}\n{\"execute\":\"cont\",\"id\":2}\n");
	qmp_close(q);
	close(peer);
	strbuf_release(&err);
}

static void expect_exec_error(const char *replies, const char *msg)
{
	struct strbuf err = STRBUF_INIT;
	struct qmp *q = NULL;
	int peer;

	assert_int_equal(open_with(replies, &q, 200, &err, &peer), 0);
	shutdown(peer, SHUT_WR);	/* what was written is all QEMU "says" */
	assert_int_equal(qmp_execute(q, "cont", NULL, NULL, &err), -1);
	assert_string_equal(err.buf, msg);
	qmp_close(q);
	close(peer);
	strbuf_release(&err);
}

static void test_qmp_bad_replies(void **state)
{
	(void)state;
	expect_exec_error(GREETING CAPS_OK "{\"error\": {\"class\": \"GenericError\", \"desc\": \"nope\"}, \"id\": 2}\n",
			  "QMP 'cont' failed: nope (GenericError)");
	expect_exec_error(GREETING CAPS_OK "{\"return\": {}, \"id\": 7}\n",
			  "QMP 'cont': unexpected reply (id 7, expected 2)");
	expect_exec_error(GREETING CAPS_OK "{\"return\": {\n",
			  "QMP 'cont': malformed QMP message (string or '}' expected near end of file at byte 12)");
	expect_exec_error(GREETING CAPS_OK "[1, 2]\n", "QMP 'cont': malformed QMP message (not a JSON object)");
	expect_exec_error(GREETING CAPS_OK "{\"hello\": 1}\n",
			  "QMP 'cont': malformed QMP message (neither return, error nor event)");
	expect_exec_error(GREETING CAPS_OK "{\"return\": {}, \"id\"",
			  "QMP 'cont': QMP connection closed in the middle of a message");
	expect_exec_error(GREETING CAPS_OK, "QMP 'cont': QMP connection closed (QEMU exited?)");
	expect_exec_error(GREETING CAPS_OK GREETING, "QMP 'cont': unexpected second greeting (id -1, expected 2)");
	/* numbers beyond int64 (a CPU model's uint64 props) are read as reals; an id that large is no id */
	expect_exec_error(GREETING CAPS_OK "{\"return\": {\"x\": 18446744073709551552}, \"id\": 444444444444444444444}\n",
			  "QMP 'cont': unexpected reply (id -1, expected 2)");
}

/* Both thread queries in one stream: sent back to back, replies taken in order. */
static void test_qmp_query_threads(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct qmp *q = NULL;
	struct qmp_vcpu *v;
	struct qmp_iothread *io;
	size_t nv, nio;
	char buf[512];
	ssize_t n;
	int peer;

	(void)state;
	assert_int_equal(open_with(GREETING CAPS_OK
				   "{\"return\": [{\"cpu-index\": 0, \"thread-id\": 11}], \"id\": 2}\n"
				   "{\"event\": \"RESUME\", \"timestamp\": {}}\n"
				   "{\"return\": [{\"id\": \"io0\", \"thread-id\": 12}], \"id\": 3}\n", &q, 1000, &err, &peer), 0);
	assert_int_equal(qmp_query_threads(q, &v, &nv, &io, &nio, &err), 0);
	assert_int_equal(nv, 1);
	assert_int_equal(v[0].tid, 11);
	assert_int_equal(nio, 1);
	assert_string_equal(io[0].id, "io0");
	assert_int_equal(qmp_pending_events(q), 1);
	n = read(peer, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	assert_string_equal(buf, "{\"execute\":\"qmp_capabilities\",\"id\":1}\n{\"execute\":\"query-cpus-fast\",\"id\":2}\n"
			    "{\"execute\":\"query-iothreads\",\"id\":3}\n");
	free(v);
	qmp_iothreads_free(io, nio);
	qmp_close(q);
	close(peer);

	/* the second reply is an error: nothing is returned, the command is named */
	assert_int_equal(open_with(GREETING CAPS_OK
				   "{\"return\": [{\"cpu-index\": 0, \"thread-id\": 11}], \"id\": 2}\n"
				   "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"no\"}, \"id\": 3}\n",
				   &q, 1000, &err, &peer), 0);
	assert_int_equal(qmp_query_threads(q, &v, &nv, &io, &nio, &err), -1);
	assert_string_equal(err.buf, "QMP 'query-iothreads' failed: no (CommandNotFound)");
	assert_null(v);
	assert_int_equal(nv, 0);
	qmp_close(q);
	close(peer);
	strbuf_release(&err);
}

static void test_qmp_big_integers(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct qmp_msg msg;
	static const char reply[] = "{\"return\": {\"xlevel\": 18446744073709551552, \"on\": true}, \"id\": 5}";

	(void)state;
	assert_int_equal(qmp_parse_message(reply, strlen(reply), &msg, &err), 0);
	assert_int_equal(msg.id, 5);
	assert_true(json_is_true(json_object_get(msg.value, "on")));
	assert_true(json_is_real(json_object_get(msg.value, "xlevel")));
	json_decref(msg.obj);
	strbuf_release(&err);
}

static void test_qmp_timeout(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct qmp *q = NULL;
	int peer;

	(void)state;
	/* a peer that never greets: the timeout is its own answer (up tells "did not answer" by it) */
	assert_int_equal(open_with("", &q, 100, &err, &peer), QMP_TIMEOUT);
	assert_string_equal(err.buf, "QMP did not answer within 100 ms");
	assert_null(q);
	close(peer);
	strbuf_reset(&err);
	assert_int_equal(open_with(GREETING CAPS_OK, &q, 100, &err, &peer), 0);
	assert_int_equal(qmp_execute(q, "query-status", NULL, NULL, &err), -1);
	assert_string_equal(err.buf, "QMP 'query-status': QMP did not answer within 100 ms");
	strbuf_reset(&err);
	assert_int_equal(qmp_wait_event(q, "SHUTDOWN", 50, NULL, &err), -1);
	qmp_close(q);
	close(peer);
	strbuf_release(&err);
}

static void test_qmp_not_a_greeting(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct qmp *q = NULL;
	int peer;

	(void)state;
	assert_int_equal(open_with("{\"return\": {}}\n", &q, 100, &err, &peer), -1);
	assert_null(q);
	assert_string_equal(err.buf, "QMP: the first message is not a greeting (is this a QMP socket?)");
	close(peer);
	strbuf_reset(&err);
	assert_int_equal(open_with(GREETING "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"x\"}, \"id\": 1}\n",
				   &q, 100, &err, &peer), -1);
	assert_string_equal(err.buf, "QMP 'qmp_capabilities' failed: x (CommandNotFound)");
	close(peer);
	strbuf_release(&err);
}

static void test_qmp_oversized(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct qmp *q = NULL;
	int sv[2];
	pid_t child;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	child = fork();
	if (child == 0) {
		static char junk[65536];

		close(sv[0]);
		memset(junk, 'a', sizeof(junk));
		if (write(sv[1], "{\"QMP\": \"", 9) < 0)
			_exit(1);
		for (int i = 0; i < 40; i++)
			if (write(sv[1], junk, sizeof(junk)) < 0)
				_exit(0);
		_exit(0);
	}
	close(sv[1]);
	assert_int_equal(qmp_open_fd(&q, sv[0], 5000, &err), -1);
	assert_string_equal(err.buf, "QMP message longer than 1048576 bytes");
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	strbuf_release(&err);
}

static void test_qmp_connect_refused(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct qmp *q = NULL;

	(void)state;
	assert_int_equal(qmp_connect(&q, "/nonexistent/qmp.sock", 100, &err), -1);
	assert_int_equal(errno, ENOENT);
	assert_string_equal(err.buf, "cannot connect to QMP socket '/nonexistent/qmp.sock': No such file or directory");
	strbuf_release(&err);
}

/*
 * qmp_connect_send(): the command goes out behind qmp_capabilities before
 * QEMU has said anything. The stand-in QEMU (a child) greets only once it
 * has read both lines, so a client that waited for the greeting first
 * would time out.
 */
static void test_qmp_connect_send(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct qmp *q = NULL;
	char dir[] = "/tmp/mvl-qmp-XXXXXX", *path;
	json_int_t id = 0;
	int srv;
	pid_t child;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = xstrfmt("%s/qmp.sock", dir);
	srv = qmp_listen(path, &err);
	assert_true(srv >= 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		const char want[] = "{\"execute\":\"qmp_capabilities\",\"id\":1}\n{\"execute\":\"quit\",\"id\":2}\n";
		char buf[256];
		size_t got = 0;
		int c = accept(srv, NULL, NULL);
		ssize_t n;

		while (c >= 0 && got < strlen(want) && (n = read(c, buf + got, sizeof(buf) - 1 - got)) > 0)
			got += (size_t)n;
		buf[got] = '\0';
		if (strcmp(buf, want))
			_exit(1);
		if (write(c, GREETING CAPS_OK, strlen(GREETING CAPS_OK)) < 0)
			_exit(2);
		_exit(0);	/* and closes, as QEMU does after a quit */
	}
	close(srv);
	assert_int_equal(qmp_connect_send(&q, path, 2000, "quit", &id, &err), 0);
	assert_string_equal(err.buf, "");
	assert_int_equal(id, 2);
	{
		int status;

		assert_int_equal(waitpid(child, &status, 0), child);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);	/* it read both lines before it greeted */
	}
	qmp_close(q);
	unlink(path);
	rmdir(dir);
	free(path);
	strbuf_release(&err);
}

/* Read from fd until 'want' has come whole (or the peer stops); 0 if what came is exactly want. */
static int read_exactly(int fd, const char *want)
{
	char buf[512];
	size_t got = 0;
	ssize_t n;

	while (got < strlen(want) && (n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	return strcmp(buf, want) ? -1 : 0;
}

/*
 * qmp_connect_nowait() returns before QEMU has said a word: the server
 * greets only once the client says it returned. The greeting and the
 * negotiation are then read by the first command that waits for a reply.
 */
static void test_qmp_connect_nowait(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct qmp *q = NULL;
	char dir[] = "/tmp/mvl-qmp-XXXXXX", *path;
	json_t *ret = NULL;
	json_int_t id = 0;
	int srv, go[2], status;
	pid_t child;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = xstrfmt("%s/qmp.sock", dir);
	/* no QEMU listens yet: the connect fails at once, errno kept */
	assert_int_equal(qmp_connect_nowait(&q, path, 2000, "quit", &id, &err), -1);
	assert_int_equal(errno, ENOENT);
	assert_null(q);
	assert_true(strstr(err.buf, "cannot connect to QMP socket") != NULL);
	strbuf_reset(&err);
	srv = qmp_listen(path, &err);
	assert_true(srv >= 0);
	assert_int_equal(pipe(go), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		struct pollfd p = { .fd = go[0], .events = POLLIN };
		int c = accept(srv, NULL, NULL);
		char b;

		close(go[1]);
		if (c < 0 || read_exactly(c, "{\"execute\":\"qmp_capabilities\",\"id\":1}\n"
					      "{\"execute\":\"stop\",\"id\":2}\n"))
			_exit(1);
		/* the client has returned without a greeting, or it would still wait for one */
		if (poll(&p, 1, 5000) != 1 || read(go[0], &b, 1) != 1)
			_exit(2);
		if (write(c, GREETING CAPS_OK "{\"return\": {}, \"id\": 2}\r\n",
			  strlen(GREETING CAPS_OK "{\"return\": {}, \"id\": 2}\r\n")) < 0)
			_exit(3);
		if (read_exactly(c, "{\"execute\":\"query-status\",\"id\":3}\n"))
			_exit(4);
		{
			const char reply[] = "{\"return\": {\"status\": \"paused\", \"running\": false}, \"id\": 3}\r\n";

			if (write(c, reply, strlen(reply)) < 0)
				_exit(5);
		}
		_exit(0);
	}
	close(srv);
	close(go[0]);
	assert_int_equal(qmp_connect_nowait(&q, path, 2000, "stop", &id, &err), 0);
	assert_string_equal(err.buf, "");
	assert_int_equal(id, 2);
	assert_string_equal(qmp_qemu_version(q), "");	/* nothing read yet */
	assert_int_equal(write(go[1], "g", 1), 1);
	/* the greeting, the negotiation and stop's answer come before query-status' */
	assert_int_equal(qmp_receive(q, "stop", id, NULL, &err), 0);
	assert_string_equal(qmp_qemu_version(q), "7.2.22");
	assert_int_equal(qmp_execute(q, "query-status", NULL, &ret, &err), 0);
	assert_string_equal(err.buf, "");
	assert_string_equal(json_string_value(json_object_get(ret, "status")), "paused");
	json_decref(ret);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	close(go[1]);
	qmp_close(q);
	unlink(path);
	rmdir(dir);
	free(path);
	strbuf_release(&err);
}

/*
 * A connection of qmp_connect_nowait() whose peer does not greet: the first
 * read fails, and so does every later one, instead of taking what follows
 * in the stream (here a reply with the id it waits for) for an answer.
 */
static void test_qmp_connect_nowait_bad_greeting(void **state)
{
	const char script[] = CAPS_OK "{\"return\": {}, \"id\": 2}\r\n";
	struct strbuf err = STRBUF_INIT;
	struct qmp *q = NULL;
	char dir[] = "/tmp/mvl-qmp-XXXXXX", *path;
	json_int_t id = 0;
	int srv, c;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = xstrfmt("%s/qmp.sock", dir);
	srv = qmp_listen(path, &err);
	assert_true(srv >= 0);
	assert_int_equal(qmp_connect_nowait(&q, path, 2000, "stop", &id, &err), 0);
	assert_int_equal(id, 2);
	c = accept(srv, NULL, NULL);
	assert_true(c >= 0);
	assert_int_equal(write(c, script, strlen(script)), (ssize_t)strlen(script));
	assert_int_equal(qmp_receive(q, "stop", id, NULL, &err), -1);
	assert_string_equal(err.buf, "QMP: the first message is not a greeting (is this a QMP socket?)");
	strbuf_reset(&err);
	assert_int_equal(qmp_receive(q, "stop", id, NULL, &err), -1);
	assert_string_equal(err.buf, "QMP: the connection's negotiation failed earlier; it cannot be used");
	strbuf_reset(&err);
	assert_int_equal(qmp_wait_event(q, "SHUTDOWN", 100, NULL, &err), -1);
	assert_string_equal(err.buf, "QMP: the connection's negotiation failed earlier; it cannot be used");
	qmp_close(q);
	close(c);
	close(srv);
	unlink(path);
	rmdir(dir);
	free(path);
	strbuf_release(&err);
}

/*
 * A QMP listener whose queue is full (a QEMU that hangs, or whose QMP one
 * client holds with others waiting) never makes a connect block for good:
 * qmp_connect_nowait() gives up at once, qmp_connect() when its time is up
 * (an alarm fails the test if either blocks).
 */
static void test_qmp_connect_queue_full(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct strbuf err = STRBUF_INIT;
	struct qmp *q = NULL;
	char dir[] = "/tmp/mvl-qmp-XXXXXX", *path;
	int srv, waiting[64], nr = 0;
	json_int_t id = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = xstrfmt("%s/qmp.sock", dir);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	srv = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(srv, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(srv, 0), 0);	/* nobody accepts */
	nr = unit_fill_queue(path, waiting, 64);
	assert_true(nr < 64);	/* the queue is full */
	alarm(10);
	assert_int_equal(qmp_connect_nowait(&q, path, 2000, "quit", &id, &err), -1);
	assert_int_equal(errno, EAGAIN);
	assert_null(q);
	assert_non_null(strstr(err.buf, "its queue is full (QEMU hangs, or another client holds QMP)"));
	strbuf_reset(&err);
	assert_int_equal(qmp_connect(&q, path, 100, &err), -1);
	assert_int_equal(errno, EAGAIN);
	assert_null(q);
	alarm(0);
	while (nr--)
		close(waiting[nr]);
	close(srv);
	unlink(path);
	rmdir(dir);
	free(path);
	strbuf_release(&err);
}

static json_t *J(const char *text)
{
	json_t *j = json_loads(text, 0, NULL);

	assert_non_null(j);
	return j;
}

static void test_qmp_typed_replies(void **state)
{
	struct strbuf err = STRBUF_INIT;
	struct qmp_vcpu *v = NULL;
	struct qmp_iothread *io = NULL;
	size_t nr;
	json_t *j;

	(void)state;
	j = J("[{\"cpu-index\": 1, \"thread-id\": 200}, {\"cpu-index\": 0, \"thread-id\": 100}]");
	assert_int_equal(qmp_vcpus_from_json(j, &v, &nr, &err), 0);
	assert_int_equal(nr, 2);
	assert_int_equal(v[0].index, 0);	/* sorted by index */
	assert_int_equal(v[0].tid, 100);
	free(v);
	json_decref(j);

	j = J("[{\"cpu-index\": 0}]");
	assert_int_equal(qmp_vcpus_from_json(j, &v, &nr, &err), -1);
	assert_string_equal(err.buf, "QMP 'query-cpus-fast': entry 0 has no valid cpu-index and thread-id");
	json_decref(j);
	strbuf_reset(&err);
	j = J("[{\"cpu-index\": 0, \"thread-id\": 0}]");
	assert_int_equal(qmp_vcpus_from_json(j, &v, &nr, &err), -1);
	json_decref(j);
	strbuf_reset(&err);
	j = J("[{\"cpu-index\": 0, \"thread-id\": 5}, {\"cpu-index\": 0, \"thread-id\": 6}]");
	assert_int_equal(qmp_vcpus_from_json(j, &v, &nr, &err), -1);
	assert_string_equal(err.buf, "QMP 'query-cpus-fast': cpu-index 0 appears twice");
	json_decref(j);
	strbuf_reset(&err);
	j = J("[]");
	assert_int_equal(qmp_vcpus_from_json(j, &v, &nr, &err), -1);
	assert_string_equal(err.buf, "QMP 'query-cpus-fast': expected a non-empty array of vCPUs");
	json_decref(j);
	strbuf_reset(&err);

	j = J("[{\"id\": \"io0\", \"thread-id\": 300, \"poll-max-ns\": 32768}]");
	assert_int_equal(qmp_iothreads_from_json(j, &io, &nr, &err), 0);
	assert_int_equal(nr, 1);
	assert_string_equal(io[0].id, "io0");
	qmp_iothreads_free(io, nr);
	json_decref(j);
	j = J("[{\"id\": \"io0\", \"thread-id\": 300}, {\"thread-id\": 301}]");
	assert_int_equal(qmp_iothreads_from_json(j, &io, &nr, &err), -1);
	assert_string_equal(err.buf, "QMP 'query-iothreads': entry 1 has no valid id and thread-id");
	json_decref(j);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qmp_connect_and_execute),
		cmocka_unit_test(test_qmp_sent_bytes),
		cmocka_unit_test(test_qmp_bad_replies),
		cmocka_unit_test(test_qmp_timeout),
		cmocka_unit_test(test_qmp_not_a_greeting),
		cmocka_unit_test(test_qmp_oversized),
		cmocka_unit_test(test_qmp_connect_refused),
		cmocka_unit_test(test_qmp_typed_replies),
		cmocka_unit_test(test_qmp_connect_send),
		cmocka_unit_test(test_qmp_connect_nowait),
		cmocka_unit_test(test_qmp_connect_nowait_bad_greeting),
		cmocka_unit_test(test_qmp_connect_queue_full),
		cmocka_unit_test(test_qmp_big_integers),
		cmocka_unit_test(test_qmp_query_threads),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
