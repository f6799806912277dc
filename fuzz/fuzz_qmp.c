/*
 * fuzz_qmp.c - libFuzzer target: QMP reply parsing.
 *
 * The input is split into lines as QEMU's stream would be; each line goes
 * through qmp_parse_message(), and every "return" value through the typed
 * checks of query-cpus-fast and query-iothreads. Hostile replies must give
 * clean errors, never a crash or leak.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qmp/qmp.h"
#include "qmp/qmp_cmds.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct strbuf err = STRBUF_INIT;
		struct qmp_msg msg;

		if (qmp_parse_message(p, len, &msg, &err) == 0) {
			if (msg.kind == QMP_MSG_RETURN) {
				struct qmp_vcpu *v = NULL;
				struct qmp_iothread *io = NULL;
				struct qmp_drive *d = NULL;
				size_t nr = 0;

				if (qmp_vcpus_from_json(msg.value, &v, &nr, &err) == 0)
					free(v);
				if (qmp_iothreads_from_json(msg.value, &io, &nr, &err) == 0)
					qmp_iothreads_free(io, nr);
				if (qmp_drives_from_json(msg.value, &d, &nr, &err) == 0)
					qmp_drives_free(d, nr);
			}
			json_decref(msg.obj);
		}
		strbuf_release(&err);
		p += len + 1;
	}
	return 0;
}
