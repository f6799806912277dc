/*
 * qmp.h - a QMP (QEMU Machine Protocol) client over a unix socket.
 *
 * qmp_connect() reads QEMU's greeting and negotiates capabilities;
 * qmp_execute() sends one command with a numeric "id" and waits for the reply
 * with that id, queueing any asynchronous events that arrive in between.
 * Every wait is bounded by the timeout given at connect time. Replies are
 * parsed by qmp_parse_message(), which is pure so it can be unit-tested and
 * fuzzed on raw bytes. Nothing here prints: errors go to the caller's strbuf.
 */
#ifndef MVL_QMP_H
#define MVL_QMP_H

#include <jansson.h>
#include <stddef.h>

#include "util/strbuf.h"

/* A line QEMU sends is never this long; a longer one is refused. */
#define QMP_MAX_MESSAGE (1 << 20)

struct qmp;

enum qmp_msg_kind {
	QMP_MSG_GREETING,
	QMP_MSG_RETURN,
	QMP_MSG_ERROR,
	QMP_MSG_EVENT,
};

struct qmp_msg {
	enum qmp_msg_kind kind;
	json_t *obj;		/* the whole message; owned, json_decref() it */
	json_int_t id;		/* RETURN/ERROR: the command's id, -1 when absent */
	json_t *value;		/* RETURN: "return" (borrowed from obj) */
	const char *error_class, *error_desc;	/* ERROR (borrowed) */
	const char *event;	/* EVENT: its name (borrowed) */
};

/*
 * Parse one QMP message (a JSON object, without its line end). Returns 0 and
 * fills msg, or -1 with the reason in err when it is not valid JSON, not an
 * object, or none of greeting/return/error/event.
 */
int qmp_parse_message(const char *buf, size_t len, struct qmp_msg *msg, struct strbuf *err);

/*
 * Connect to the QMP socket at 'path', read the greeting and send
 * qmp_capabilities. timeout_ms bounds every later wait too. Returns 0 and
 * *out (free with qmp_close), or -1 with the reason in err; errno is kept
 * from a failed connect() so callers can tell ENOENT or ECONNREFUSED (no
 * QEMU listening) or EAGAIN (its queue stayed full for timeout_ms), and is
 * EPROTO when the peer did not speak QMP. Returns
 * QMP_TIMEOUT (the reason in err too) when it did not answer in time.
 */
int qmp_connect(struct qmp **out, const char *path, int timeout_ms, struct strbuf *err);
#define QMP_TIMEOUT (-2)
/*
 * qmp_connect() with cmd (no arguments) sent right behind qmp_capabilities,
 * before QEMU has answered either: QEMU reads them in order, so cmd costs
 * no round trip of its own ('quit' at a forced stop of many VMs at once).
 * *id is its id for qmp_receive(); the reply to a 'quit' may never come.
 */
int qmp_connect_send(struct qmp **out, const char *path, int timeout_ms, const char *cmd, json_int_t *id,
		     struct strbuf *err);
/*
 * The same without waiting for QEMU at all: one try to connect (a full
 * queue is EAGAIN at once), qmp_capabilities and cmd sent, and return. The
 * greeting and the answer to qmp_capabilities are read by the first call
 * that reads (qmp_receive(), qmp_execute(), qmp_wait_event()); when that
 * fails, every later read fails as well (the stream is lost). cmd's reply,
 * if it comes, is the caller's to read with qmp_receive() and *id. So many
 * QEMUs get their 'quit' one right after the other (a forced stop of many
 * fans out once all are sent). 0, or -1 when it cannot connect or write.
 */
int qmp_connect_nowait(struct qmp **out, const char *path, int timeout_ms, const char *cmd, json_int_t *id,
		       struct strbuf *err);
/*
 * A unix socket bound at 'path' (replacing a stale one), mode 0600, listening:
 * the descriptor to hand QEMU as its QMP server (-chardev socket,fd=N).
 * Returns the fd, or -1 with the reason in err.
 */
int qmp_listen(const char *path, struct strbuf *err);
/* The same on a connected stream socket; takes fd (closed on failure too). 0, -1 or QMP_TIMEOUT. */
int qmp_open_fd(struct qmp **out, int fd, int timeout_ms, struct strbuf *err);

/*
 * Run 'cmd' with 'args' (taken; NULL for none). On success returns 0 and, if
 * ret is not NULL, *ret holds a new reference to the "return" value. A QMP
 * error becomes -1 with "QMP 'cmd' failed: <desc> (<class>)" in err.
 */
int qmp_execute(struct qmp *q, const char *cmd, json_t *args, json_t **ret, struct strbuf *err);

/*
 * qmp_execute() in two halves, to have several commands in flight (QEMU
 * answers in order): qmp_send() writes the command and returns its id (or
 * -1), qmp_receive() waits for the reply to that id, as qmp_execute() does.
 */
json_int_t qmp_send(struct qmp *q, const char *cmd, json_t *args, struct strbuf *err);
int qmp_receive(struct qmp *q, const char *cmd, json_int_t id, json_t **ret, struct strbuf *err);

/*
 * Wait until an event called 'name' has arrived (one queued earlier counts).
 * Returns 0 (and a new reference in *event if not NULL), -1 on timeout or error.
 */
int qmp_wait_event(struct qmp *q, const char *name, int timeout_ms, json_t **event, struct strbuf *err);

/* Number of queued events not yet taken by qmp_wait_event(). */
size_t qmp_pending_events(const struct qmp *q);

/* QEMU's version from the greeting as "7.2.22", or "" before connect. */
const char *qmp_qemu_version(const struct qmp *q);

/* What bounds every later wait of q, from now on (a caller with a deadline of its own gives what is left). */
void qmp_set_timeout(struct qmp *q, int timeout_ms);

/* Close and free; NULL is fine. */
void qmp_close(struct qmp *q);

#endif
