/*
 * vm_control.h - act on a running VM without a restart: pause, resume,
 * reset and reboot it, or send it one QMP command ('mvlaunch pause',
 * 'resume', 'reset', 'reboot', 'qmp').
 *
 * Each works on a VM handle attached with its runtime directory locked
 * (vm_down_attach()), so no other mvlaunch command talks to its QEMU at the
 * same time, and reads the result back from QEMU (query-status) before it
 * says it is done.
 */
#ifndef MVL_VM_CONTROL_H
#define MVL_VM_CONTROL_H

#include <jansson.h>

#include "launcher/vm/vm_handle.h"
#include "util/err.h"

enum vm_control_op { VM_PAUSE, VM_RESUME, VM_RESET };

/*
 * Pause (QMP stop), resume (cont) or reset (system_reset: the reset button,
 * the guest is not asked) the VM of h. *state gets QEMU's status after it
 * (read back; "running", "paused", ...; caller frees); *already is 1 when
 * there was nothing to do (pausing a paused VM). 0, or -1 with err.
 */
int vm_control(struct vm_handle *h, enum vm_control_op op, char **state, int *already, struct err *err);

enum vm_reboot_how {
	REBOOT_ACPI,		/* the guest shut down at the power button, QEMU reset and resumed it */
	REBOOT_RESET,		/* reset without asking: no ACPI in the guest, or reset_after */
	REBOOT_TIMEOUT,		/* the guest did not shut down in time: left running */
};

struct vm_reboot_opts {
	int timeout_ms;		/* how long the guest gets to shut down */
	int acpi;		/* the guest has ACPI (machine.acpi); else reset at once */
	int reset_after;	/* reset when the guest has not shut down by the timeout */
};

/*
 * Reboot the VM of h: with ACPI, QEMU is told to pause rather than exit
 * when the guest powers off (set-action), the power button is pressed, and
 * once the guest has shut down (the SHUTDOWN event) QEMU resets and resumes
 * it; the action is set back to power-off on every way out (and 'down' sets
 * it again, should this process have been killed). A guest still running
 * at the timeout is left running (REBOOT_TIMEOUT), or reset with
 * reset_after. An interrupt (SIGINT, SIGTERM, SIGHUP; interrupt.h armed)
 * stops the wait the same way. 0 and *how, or -1 with err.
 */
int vm_reboot(struct vm_handle *h, const struct vm_reboot_opts *o, enum vm_reboot_how *how, struct err *err);

/*
 * Send one QMP command with args (a JSON object text, or NULL) and give its
 * "return" value in *ret. 'qmp_capabilities' (done at connect) and 'quit'
 * (which would leave the runtime files of a VM that is gone: 'down
 * --force') are refused. 0, or -1 with err (QEMU's error class and text).
 */
int vm_qmp_command(struct vm_handle *h, const char *cmd, const char *args, json_t **ret, struct err *err);

#endif
