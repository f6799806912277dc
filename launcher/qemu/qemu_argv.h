/*
 * qemu_argv.h - build the complete qemu-system-x86_64 argument vector.
 *
 * Pure: reads a validated struct vm_config, its struct pin_plan and where the
 * VM's runtime files go, fills a struct strvec, touches nothing on the host. 'mvlaunch argv'
 * prints the result; 'up' executes it.
 */
#ifndef MVL_QEMU_ARGV_H
#define MVL_QEMU_ARGV_H

#include "launcher/plan/pin_plan.h"
#include "config/vm_config.h"
#include "util/strbuf.h"
#include "util/strvec.h"

struct qemu_runtime {
	/*
	 * The VM's runtime directory (/run/mvlaunch/NAME). When set, the argv
	 * also starts QEMU paused (-S) with its QMP socket, pidfile and serial
	 * socket there (the serial log in log_dir). NULL: only what the config describes.
	 */
	const char *run_dir;
	/* Root of persistent per-VM files (default nvram lives in STATE/NAME/). */
	const char *state_dir;
	/* With run_dir: where the serial port's log goes (LOG/NAME, kept by 'down'). */
	const char *log_dir;
	/*
	 * With run_dir: when > 0, the QMP socket is this already-listening
	 * file descriptor ('up' binds RUN_DIR/qmp.sock itself and passes it,
	 * so it can connect at once instead of polling for the file). The
	 * NICs' descriptors follow it (qmp_fd + 1, ...); without it they start
	 * at QEMU_ARGV_FIRST_FD.
	 */
	int qmp_fd;
	/*
	 * The VM's UUID (-uuid) when the config gives none: the one kept in
	 * STATE/NAME/uuid (vm_uuid.c). NULL: no -uuid unless smbios.uuid.
	 */
	const char *uuid;
};

/*
 * Append the argv for cfg to argv (which the caller owns and clears). With
 * a plan, the guest topology, NUMA nodes and memory binding come from it
 * (pinning.vcpus = "auto", cpu.topology = "auto"); NULL: from cfg alone.
 * Returns 0, or -1 with a one-line reason in err (for example a path that is
 * not valid UTF-8 and so cannot be written in QEMU's JSON syntax). Notes about
 * settings that have no effect on this command line are appended to
 * 'warnings' (may be NULL).
 */
int qemu_argv_build(const struct vm_config *cfg, const struct pin_plan *plan, const struct qemu_runtime *rt,
		    struct strvec *argv, struct strvec *warnings, struct strbuf *err);

/*
 * The first descriptor a passed tap can be: 0-2 are stdio. 'up' passes
 * QMP's listening socket as 3 and the taps from 4 on (qmp_fd + 1).
 */
#define QEMU_ARGV_FIRST_FD 3

/*
 * How many descriptors NIC n takes in QEMU's argv: for a tap or bridge
 * NIC its tap's queues (one each), then with vhost as many /dev/vhost-net
 * ones; 0 for user networking. The NICs' descriptors follow each other in
 * config order, so 'argv' prints the numbers 'up' passes. Pure.
 */
unsigned qemu_argv_net_fds(const struct vm_net *n);

/*
 * The tap NIC 'index' uses: its net.ifname, else "mvl" + 7 hex digits of a
 * hash of the VM's name + "-" + index (15 characters at most, IFNAMSIZ):
 * the same for the VM each time, another VM's only if their names' hashes
 * meet (then 'up' finds it taken and says so). Caller frees.
 */
char *qemu_argv_tap_name(const struct vm_config *cfg, size_t index);

/* swtpm's control socket: RUN_DIR/swtpm.sock (NAME-swtpm.sock without run_dir). Caller frees. */
char *qemu_argv_tpm_socket(const struct vm_config *cfg, const char *run_dir);

/* Where a unix-socket display listens: RUN_DIR/vnc.sock or spice.sock (NAME-vnc.sock without run_dir). Caller frees. */
char *qemu_argv_display_socket(const struct vm_config *cfg, const char *run_dir);

/* "a,b" -> "a,,b": a value that can sit inside a QEMU key=value option. Caller frees. */
char *qemu_argv_escape(const char *s);

/* The VM's OVMF vars file: cfg->nvram or STATE_DIR/NAME/OVMF_VARS.fd. Caller frees. */
char *qemu_argv_nvram_path(const struct vm_config *cfg, const char *state_dir);

/* The default MAC of NIC 'index': 52:54:00 plus a hash of name and index. Caller frees. */
char *qemu_argv_default_mac(const char *name, size_t index);

#endif
