/*
 * paths.h - where mvlaunch finds VM configs and keeps its files.
 *
 * Each root has one environment variable so tests (and unusual installs)
 * can move it: MVLAUNCH_VMS, MVLAUNCH_RUNDIR, MVLAUNCH_STATEDIR, MVLAUNCH_LOGDIR.
 */
#ifndef MVL_PATHS_H
#define MVL_PATHS_H

#include "util/err.h"
#include "util/strbuf.h"

/* Where VM configs and host.toml are: --vms DIR and --host-config FILE, NULL for the defaults. */
struct vm_dirs {
	const char *vms_dir;
	const char *host_config;	/* NULL: VMS_DIR/host.toml */
};

/* --vms DIR, else $MVLAUNCH_VMS, else /etc/mvlaunch/vms. */
const char *paths_vms_dir(const struct vm_dirs *dirs);
/* $MVLAUNCH_RUNDIR, else /run/mvlaunch. */
const char *paths_run_root(void);
/* $MVLAUNCH_STATEDIR, else /var/lib/mvlaunch. */
const char *paths_state_root(void);
/*
 * STATE/NAME, where a VM keeps what outlives its runs (its OVMF vars, its
 * UUID, its TPM): made with STATE when missing, and checked to be this
 * user's and private (0700). Caller frees; NULL with the reason in err.
 */
char *paths_vm_state_dir(const char *name, struct err *err);
/* $MVLAUNCH_LOGDIR, else /var/log/mvlaunch: LOG/NAME/qemu.log and serial.log, the last boots kept. */
const char *paths_log_root(void);

/*
 * Resolve a VM argument: a path (contains '/' or ends in ".toml") is used as
 * it is; a NAME becomes VMS_DIR/NAME.toml. Returns a new string, or NULL with
 * the reason (and a hint line) in err.
 */
char *paths_vm_config(const char *arg, const struct vm_dirs *dirs, struct err *err);

/*
 * A NAME given to down, status or console: -1 when it cannot be a VM name
 * (err: "invalid VM name ..."), 0 when no config and no runtime directory
 * has it (err: "no such VM ..." with the nearest known name and a hint),
 * 1 when it is known.
 */
int paths_vm_name_arg(const char *name, const struct vm_dirs *dirs, struct err *err);

#endif
