/*
 * fuzz_qmp_stream.c - libFuzzer target: the QMP byte stream as the client
 * reads it from a socket: greeting, framing, ids, events between replies.
 *
 * The input is what "QEMU" sends; it is written into one end of a
 * socketpair and the client talks on the other: the greeting and
 * capabilities (qmp_open_fd()), then the thread queries 'up' makes and a
 * query-status, each waiting for its own id through whatever events and
 * stray replies come first. A stream that ends or lies must give a clean
 * error, never a crash, a leak or a hang (the peer end is shut down after the
 * input, so every read ends).
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "qmp/qmp.h"
#include "qmp/qmp_cmds.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_STREAM (1 << 20)	/* the campaign's largest input */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf err = STRBUF_INIT;
	struct qmp *q = NULL;
	struct qmp_vcpu *vcpus = NULL;
	struct qmp_iothread *io = NULL;
	size_t nr_vcpus = 0, nr_io = 0;
	char *status = NULL;
	int sv[2];

	if (size > MAX_STREAM || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return 0;
	/*
	 * The whole input must fit in the socket buffers, or the write below
	 * would block with nobody reading yet: as root the limit is lifted
	 * (SO_*BUFFORCE, 4 MiB), else an input is cut to what fits.
	 */
	{
		int big = 4 << 20;

		if (setsockopt(sv[1], SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big)) < 0 ||
		    setsockopt(sv[0], SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big)) < 0) {
			setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
			setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
			if (size > 100000)
				size = 100000;
		}
		setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	}
	fcntl(sv[1], F_SETFL, O_NONBLOCK);	/* never block: a short write is a shorter stream */
	if (write(sv[1], data, size) < 0) {
		close(sv[0]);
		close(sv[1]);
		return 0;
	}
	shutdown(sv[1], SHUT_WR);	/* what follows the input is the end of the stream */
	if (qmp_open_fd(&q, sv[0], 1000, &err) == 0) {
		if (qmp_query_threads(q, &vcpus, &nr_vcpus, &io, &nr_io, &err) == 0) {
			free(vcpus);
			qmp_iothreads_free(io, nr_io);
		}
		strbuf_reset(&err);
		if (qmp_query_status(q, &status, &err) == 0)
			free(status);
		qmp_close(q);
	} else {
		close(sv[0]);
	}
	close(sv[1]);
	strbuf_release(&err);
	return 0;
}
