/*
 * qemu_probe.h - ask a QEMU binary what it supports.
 *
 * A probing QEMU starts with no machine (-machine none), paused, with
 * nothing attached, under the given accelerator, and answers QMP on a
 * socket in a private temporary directory; the caller asks it what it
 * needs (query-machines, query-command-line-options, qom-list-properties,
 * query-cpu-model-expansion) and stops it. Options its lists do not show
 * are asked of QEMU itself by starting it with that option alone. The
 * verdicts on what the answers mean are launcher/check/check_qemu.c's.
 */
#ifndef MVL_QEMU_PROBE_H
#define MVL_QEMU_PROBE_H

#include <jansson.h>

#include "launcher/qemu/qemu_proc.h"
#include "qmp/qmp.h"
#include "util/strbuf.h"
#include "util/strvec.h"

struct qemu_probe {
	struct qmp *qmp;	/* connected once qemu_probe_start() succeeded */
	struct qemu_proc proc;
	char *dir;		/* the private temporary directory (qmp.sock, qemu.log) */
	const char *binary, *accel;
};

#define QEMU_PROBE_INIT { NULL, QEMU_PROC_INIT, NULL, NULL, NULL }

/* Where the probe failed: what to tell the user to fix differs. */
#define QEMU_PROBE_NO_TMPDIR (-2)	/* no private directory in $TMPDIR (or /tmp) */

/*
 * Start 'binary' under 'accel' ("kvm", "tcg") and connect to its QMP (10 s).
 * 0; QEMU_PROBE_NO_TMPDIR; or -1 when QEMU did not start or answer (with
 * the end of its log). On failure everything is already stopped and removed.
 */
int qemu_probe_start(struct qemu_probe *p, const char *binary, const char *accel, struct strbuf *err);

/* Tell the QEMU to quit (killed if it does not), remove the directory. */
void qemu_probe_stop(struct qemu_probe *p);

/* The keys of a QEMU "k=v,k=v" option value (",," is a literal comma; a piece without '=' has none). */
void qemu_probe_option_keys(const char *value, struct strvec *keys);

/* Whether a parameter list of query-command-line-options or qom-list-properties has one called key. */
int qemu_probe_has_param(json_t *params, const char *key);

/* Whether QEMU's output says it refused a parameter named key (QEMU 7.2's wordings). */
int qemu_probe_refuses_key(const char *log, const char *key);

/*
 * Start the probed binary with "-OPT VAL" alone (and -machine none unless
 * OPT is machine) and see whether it refuses KEY: 1 when it does, 0 when it
 * takes it (or could not be asked).
 */
int qemu_probe_refuses(const struct qemu_probe *p, const char *opt, const char *val, const char *key);

/*
 * The audio drivers this QEMU has ('-audiodev help'; a driver whose module
 * is not installed is not among them). 0, or -1 when QEMU did not say.
 */
int qemu_probe_audio_drivers(const struct qemu_probe *p, struct strvec *drivers);

#endif
