/*
 * qmp.c - QMP client: framing, ids, events, timeouts (see qmp.h).
 *
 * DESIGN
 * QEMU writes one JSON object per line ("\r\n"). The client keeps one read
 * buffer; read_message() returns the next complete line, reading with poll()
 * against a deadline so no wait can hang. Replies are matched by the numeric
 * id we send; events are queued in arrival order. Anything unexpected - bad
 * JSON, a reply to an id we never sent, a line over QMP_MAX_MESSAGE, EOF in
 * the middle - is an error with a precise message, never a crash.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "qmp/qmp.h"
#include "util/interrupt.h"
#include "util/wrapper.h"
#include "util/banned.h"

struct qmp {
	int fd;
	int timeout_ms;
	struct strbuf in;
	size_t in_off;		/* start of unread bytes in 'in' */
	json_int_t next_id;
	json_t **events;
	size_t nr_events, alloc_events;
	char version[32];
	int timed_out;		/* the last wait ended at its deadline */
	json_int_t unread_caps;	/* > 0: the greeting and this qmp_capabilities' answer are not read yet;
				   -1: reading them failed, the stream is not at a message's start */
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int qmp_parse_message(const char *buf, size_t len, struct qmp_msg *msg, struct strbuf *err)
{
	json_error_t jerr;
	json_t *obj, *id, *e;

	memset(msg, 0, sizeof(*msg));
	msg->id = -1;
	obj = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	/*
	 * QEMU prints uint64 properties (a CPU model's, for one) beyond int64,
	 * which jansson refuses: such a reply is read with numbers as reals.
	 * Replies mvlaunch reads numbers from (thread ids) never have them.
	 */
	if (!obj && strstr(jerr.text, "too big integer"))
		obj = json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_DECODE_INT_AS_REAL, &jerr);
	if (!obj) {
		strbuf_addf(err, "malformed QMP message (%s at byte %d)", jerr.text, jerr.position);
		return -1;
	}
	if (!json_is_object(obj)) {
		strbuf_addstr(err, "malformed QMP message (not a JSON object)");
		json_decref(obj);
		return -1;
	}
	msg->obj = obj;
	id = json_object_get(obj, "id");
	if (id && json_is_integer(id))
		msg->id = json_integer_value(id);
	else if (id && json_is_real(id) && json_real_value(id) >= 0 && json_real_value(id) < 1e15)
		msg->id = (json_int_t)json_real_value(id);	/* read with numbers as reals, above */
	if (json_object_get(obj, "QMP")) {
		msg->kind = QMP_MSG_GREETING;
		return 0;
	}
	if ((msg->value = json_object_get(obj, "return"))) {
		msg->kind = QMP_MSG_RETURN;
		return 0;
	}
	if ((e = json_object_get(obj, "error"))) {
		const char *cls = json_string_value(json_object_get(e, "class"));
		const char *desc = json_string_value(json_object_get(e, "desc"));

		msg->kind = QMP_MSG_ERROR;
		msg->error_class = cls ? cls : "unknown";
		msg->error_desc = desc ? desc : "(no description)";
		return 0;
	}
	if ((msg->event = json_string_value(json_object_get(obj, "event")))) {
		msg->kind = QMP_MSG_EVENT;
		return 0;
	}
	strbuf_addstr(err, "malformed QMP message (neither return, error nor event)");
	json_decref(obj);
	memset(msg, 0, sizeof(*msg));
	return -1;
}

/* The next line from QEMU, without "\r\n", valid until the next call. */
static int read_line(struct qmp *q, int64_t deadline, const char **line, size_t *len, struct strbuf *err)
{
	for (;;) {
		char *start = q->in.buf + q->in_off;
		size_t avail = q->in.len - q->in_off;
		char *nl = memchr(start, '\n', avail);
		struct pollfd pfd[2] = { { .fd = q->fd, .events = POLLIN }, { .fd = -1, .events = POLLIN } };
		int64_t left;
		ssize_t n;
		int r;

		if (nl) {
			size_t l = (size_t)(nl - start);

			*line = start;
			*len = l && start[l - 1] == '\r' ? l - 1 : l;
			q->in_off += l + 1;
			return 0;
		}
		if (avail > QMP_MAX_MESSAGE) {
			strbuf_addf(err, "QMP message longer than %d bytes", QMP_MAX_MESSAGE);
			return -1;
		}
		/* compact, then read more */
		if (q->in_off) {
			memmove(q->in.buf, start, avail);
			strbuf_setlen(&q->in, avail);
			q->in_off = 0;
		}
		left = deadline - now_ms();
		if (left <= 0) {
			strbuf_addf(err, "QMP did not answer within %d ms", q->timeout_ms);
			q->timed_out = 1;
			return -1;
		}
		pfd[1].fd = interrupt_fd();	/* a Ctrl-C or SIGTERM ends the wait (-1: not armed) */
		r = poll(pfd, 2, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			strbuf_addf(err, "poll on QMP socket: %s", strerror(errno));
			return -1;
		}
		if (r == 0)
			continue;	/* the deadline check above reports it */
		if (pfd[1].revents & POLLIN) {
			strbuf_addf(err, "interrupted by %s while waiting for QMP", interrupt_name(interrupt_pending()));
			return -1;
		}
		if (!(pfd[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		strbuf_grow(&q->in, 65536);
		n = read(q->fd, q->in.buf + q->in.len, 65536);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0) {
			strbuf_addf(err, "reading QMP socket: %s", strerror(errno));
			return -1;
		}
		if (n == 0) {
			if (q->in.len)
				strbuf_addstr(err, "QMP connection closed in the middle of a message");
			else
				strbuf_addstr(err, "QMP connection closed (QEMU exited?)");
			return -1;
		}
		strbuf_setlen(&q->in, q->in.len + (size_t)n);
	}
}

static int read_message(struct qmp *q, int64_t deadline, struct qmp_msg *msg, struct strbuf *err)
{
	const char *line;
	size_t len;

	do {
		if (read_line(q, deadline, &line, &len, err) < 0)
			return -1;
	} while (len == 0);
	return qmp_parse_message(line, len, msg, err);
}

static void queue_event(struct qmp *q, json_t *obj)
{
	ALLOC_GROW(q->events, q->nr_events + 1, q->alloc_events);
	q->events[q->nr_events++] = obj;
}

static int write_all(struct qmp *q, const char *buf, size_t len, struct strbuf *err)
{
	while (len) {
		ssize_t n = send(q->fd, buf, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			strbuf_addf(err, "writing QMP socket: %s", strerror(errno));
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

json_int_t qmp_send(struct qmp *q, const char *cmd, json_t *args, struct strbuf *err)
{
	json_t *req = json_object();
	json_int_t id = q->next_id++;
	struct strbuf line = STRBUF_INIT;
	char *text;
	int rc;

	json_object_set_new(req, "execute", json_string(cmd));
	if (args)
		json_object_set_new(req, "arguments", args);
	json_object_set_new(req, "id", json_integer(id));
	text = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (!text) {
		strbuf_addf(err, "cannot encode QMP command '%s'", cmd);
		return -1;
	}
	/* the command and its line end in one write: QEMU parses it in one go */
	strbuf_addf(&line, "%s\n", text);
	free(text);
	rc = write_all(q, line.buf, line.len, err);
	strbuf_release(&line);
	return rc < 0 ? -1 : id;
}

static int finish_open(struct qmp *q, struct strbuf *err);

int qmp_receive(struct qmp *q, const char *cmd, json_int_t id, json_t **ret, struct strbuf *err)
{
	int64_t deadline = now_ms() + q->timeout_ms;

	if (ret)
		*ret = NULL;
	if (q->unread_caps && finish_open(q, err) < 0)
		return -1;
	for (;;) {
		struct qmp_msg msg;
		size_t before = err->len;

		if (read_message(q, deadline, &msg, err) < 0) {
			/* name the command the failure belongs to */
			struct strbuf why = STRBUF_INIT;

			strbuf_addstr(&why, err->buf + before);
			strbuf_setlen(err, before);
			strbuf_addf(err, "QMP '%s': %s", cmd, why.buf);
			strbuf_release(&why);
			return -1;
		}
		if (msg.kind == QMP_MSG_EVENT) {
			queue_event(q, msg.obj);
			continue;
		}
		if (msg.kind == QMP_MSG_GREETING || msg.id != id) {
			strbuf_addf(err, "QMP '%s': unexpected %s (id %lld, expected %lld)", cmd,
				    msg.kind == QMP_MSG_GREETING ? "second greeting" : "reply",
				    (long long)msg.id, (long long)id);
			json_decref(msg.obj);
			return -1;
		}
		if (msg.kind == QMP_MSG_ERROR) {
			strbuf_addf(err, "QMP '%s' failed: %s (%s)", cmd, msg.error_desc, msg.error_class);
			json_decref(msg.obj);
			return -1;
		}
		if (ret)
			*ret = json_incref(msg.value);
		json_decref(msg.obj);
		return 0;
	}
}

int qmp_execute(struct qmp *q, const char *cmd, json_t *args, json_t **ret, struct strbuf *err)
{
	json_int_t id = qmp_send(q, cmd, args, err);

	if (ret)
		*ret = NULL;
	return id < 0 ? -1 : qmp_receive(q, cmd, id, ret, err);
}

int qmp_wait_event(struct qmp *q, const char *name, int timeout_ms, json_t **event, struct strbuf *err)
{
	int64_t deadline = now_ms() + timeout_ms;

	if (event)
		*event = NULL;
	if (q->unread_caps && finish_open(q, err) < 0)
		return -1;
	for (;;) {
		struct qmp_msg msg;

		for (size_t i = 0; i < q->nr_events; i++) {
			const char *ev = json_string_value(json_object_get(q->events[i], "event"));

			if (ev && !strcmp(ev, name)) {
				if (event)
					*event = q->events[i];
				else
					json_decref(q->events[i]);
				memmove(q->events + i, q->events + i + 1, (q->nr_events - i - 1) * sizeof(*q->events));
				q->nr_events--;
				return 0;
			}
		}
		if (read_message(q, deadline, &msg, err) < 0)
			return -1;
		if (msg.kind != QMP_MSG_EVENT) {
			strbuf_addf(err, "unexpected QMP reply (id %lld) while waiting for event %s", (long long)msg.id, name);
			json_decref(msg.obj);
			return -1;
		}
		queue_event(q, msg.obj);
	}
}

size_t qmp_pending_events(const struct qmp *q)
{
	return q->nr_events;
}

const char *qmp_qemu_version(const struct qmp *q)
{
	return q ? q->version : "";
}

static struct qmp *qmp_new(int fd, int timeout_ms)
{
	struct qmp *q = xcalloc(1, sizeof(*q));

	q->fd = fd;
	q->timeout_ms = timeout_ms;
	q->next_id = 1;
	q->in = (struct strbuf)STRBUF_INIT;
	return q;
}

/*
 * qmp_capabilities, and 'then' right behind it when not NULL (its id in
 * *then_id): QEMU reads them after its greeting, so the negotiation costs
 * no round trip of its own. The id of qmp_capabilities, or -1.
 */
static json_int_t send_caps(struct qmp *q, const char *then, json_int_t *then_id, struct strbuf *err)
{
	json_int_t caps = qmp_send(q, "qmp_capabilities", NULL, err);

	if (caps >= 0 && then && (*then_id = qmp_send(q, then, NULL, err)) < 0)
		return -1;
	return caps;
}

/* The greeting (QEMU's version kept), then the answer to qmp_capabilities (id caps). 0 or -1. */
static int read_greeting(struct qmp *q, json_int_t caps, struct strbuf *err)
{
	struct qmp_msg msg;
	json_t *v;

	if (read_message(q, now_ms() + q->timeout_ms, &msg, err) < 0)
		return -1;
	if (msg.kind != QMP_MSG_GREETING) {
		strbuf_addstr(err, "QMP: the first message is not a greeting (is this a QMP socket?)");
		json_decref(msg.obj);
		return -1;
	}
	v = json_object_get(json_object_get(json_object_get(msg.obj, "QMP"), "version"), "qemu");
	if (v) {
		snprintf(q->version, sizeof(q->version), "%lld.%lld.%lld",
			 (long long)json_integer_value(json_object_get(v, "major")),
			 (long long)json_integer_value(json_object_get(v, "minor")),
			 (long long)json_integer_value(json_object_get(v, "micro")));
	}
	json_decref(msg.obj);
	return qmp_receive(q, "qmp_capabilities", caps, NULL, err);
}

/*
 * A connection of qmp_connect_nowait(), at the first call that reads: its
 * greeting and negotiation first. When they fail, what is left in the stream
 * is not known (the rest of a bad greeting, or the negotiation's answer), so
 * every later read fails too rather than take a stray message for a reply.
 */
static int finish_open(struct qmp *q, struct strbuf *err)
{
	json_int_t caps = q->unread_caps;

	if (caps < 0) {
		strbuf_addstr(err, "QMP: the connection's negotiation failed earlier; it cannot be used");
		return -1;
	}
	q->unread_caps = 0;	/* read_greeting() reads the negotiation's answer with qmp_receive() */
	if (read_greeting(q, caps, err) < 0) {
		q->unread_caps = -1;
		return -1;
	}
	return 0;
}

/* qmp_open_fd(), with 'then' sent right behind qmp_capabilities when not NULL (its id in *then_id). */
static int open_fd(struct qmp **out, int fd, int timeout_ms, const char *then, json_int_t *then_id, struct strbuf *err)
{
	struct qmp *q = qmp_new(fd, timeout_ms);
	json_int_t caps = send_caps(q, then, then_id, err);

	*out = NULL;
	if (caps < 0 || read_greeting(q, caps, err) < 0) {
		int timeout = q->timed_out;

		qmp_close(q);
		return timeout ? QMP_TIMEOUT : -1;
	}
	*out = q;
	return 0;
}

int qmp_open_fd(struct qmp **out, int fd, int timeout_ms, struct strbuf *err)
{
	return open_fd(out, fd, timeout_ms, NULL, NULL, err);
}

int qmp_connect(struct qmp **out, const char *path, int timeout_ms, struct strbuf *err)
{
	return qmp_connect_send(out, path, timeout_ms, NULL, NULL, err);
}

/* unix_connect() with the reason in err (errno kept); a full queue is tried again for timeout_ms (0: once). */
static int connect_unix(const char *path, int timeout_ms, struct strbuf *err)
{
	int fd = unix_connect(path, timeout_ms), saved = errno;

	if (fd >= 0)
		return fd;	/* connected: every later wait has its deadline in poll() */
	if (saved == ENAMETOOLONG)
		strbuf_addf(err, "QMP socket path '%s' is too long for a unix socket", path);
	else
		strbuf_addf(err, "cannot connect to QMP socket '%s': %s", path,
			    saved == EAGAIN ? "its queue is full (QEMU hangs, or another client holds QMP)" :
					      strerror(saved));
	errno = saved;
	return -1;
}

int qmp_connect_send(struct qmp **out, const char *path, int timeout_ms, const char *cmd, json_int_t *id,
		     struct strbuf *err)
{
	int fd = connect_unix(path, timeout_ms, err), r;

	*out = NULL;
	if (fd < 0)
		return -1;
	r = open_fd(out, fd, timeout_ms, cmd, id, err);
	if (r < 0)
		errno = EPROTO;	/* connected, but not a working QMP peer */
	return r;
}

int qmp_connect_nowait(struct qmp **out, const char *path, int timeout_ms, const char *cmd, json_int_t *id,
		       struct strbuf *err)
{
	int fd = connect_unix(path, 0, err);
	struct qmp *q;

	*out = NULL;
	if (fd < 0)
		return -1;
	q = qmp_new(fd, timeout_ms);
	q->unread_caps = send_caps(q, cmd, id, err);
	if (q->unread_caps < 0) {
		qmp_close(q);
		return -1;
	}
	*out = q;
	return 0;
}

void qmp_set_timeout(struct qmp *q, int timeout_ms)
{
	q->timeout_ms = timeout_ms;
}

void qmp_close(struct qmp *q)
{
	if (!q)
		return;
	if (q->fd >= 0)
		close(q->fd);
	for (size_t i = 0; i < q->nr_events; i++)
		json_decref(q->events[i]);
	free(q->events);
	strbuf_release(&q->in);
	free(q);
}

int qmp_listen(const char *path, struct strbuf *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		strbuf_addf(err, "QMP socket path '%s' is too long for a unix socket (set MVLAUNCH_RUNDIR shorter)", path);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(path, 0600) < 0 || listen(fd, 8) < 0) {
		strbuf_addf(err, "cannot listen on QMP socket '%s': %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}
