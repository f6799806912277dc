/*
 * hooks.h - the user's executables at four points of a VM's life, as
 * libvirt's qemu hook does it, laid out like run-parts.
 *
 * HOOKS_DIR is 'hooks.d' in the directory of the VM's config file as it was
 * given (a NAME is VMS_DIR/NAME.toml, so VMS_DIR/hooks.d; a path's own
 * directory otherwise). For a phase, the executables of HOOKS_DIR/all/PHASE.d/
 * and HOOKS_DIR/NAME/PHASE.d/ run one after the other, merged in file name
 * order (bytes, as LC_COLLATE=C); a VM's own file replaces the file of the
 * same name in all/. Skipped like run-parts: names starting with '.',
 * ending in '~', '.swp', '.rpmsave', '.rpmnew', containing '.dpkg-'; what is
 * not a regular file; what is not executable. Run as root, a hook, its
 * PHASE.d, NAME or all directory and HOOKS_DIR must belong to root (or the
 * user) and not be writable by group or others (util/trust.c), else the
 * hook is refused: not run, and counted as failed.
 *
 * Each hook runs without a shell (fork + execve), argv = { PATH, NAME,
 * PHASE }, in its own process group, stdin /dev/null, stdout and stderr
 * appended to LOG/NAME/hooks.log after a line that names it, followed by
 * one that says how it ended. Environment: mvlaunch's own, plus
 * MVLAUNCH_VM, MVLAUNCH_PHASE, MVLAUNCH_CONFIG (the config's absolute
 * path) and MVLAUNCH_PID (QEMU's pid, in 'started' and 'stopped' when QEMU
 * ran; absent otherwise). After $MVLAUNCH_HOOK_TIMEOUT seconds (default 30)
 * its process group gets SIGTERM, 3 s later SIGKILL, and it has failed.
 * Runs nothing, and creates nothing, when there is no hook.
 */
#ifndef MVL_HOOKS_H
#define MVL_HOOKS_H

#include <sys/types.h>

#include "launcher/check/check.h"
#include "launcher/vm/paths.h"
#include "launcher/vm/vm_state.h"
#include "util/err.h"
#include "util/strvec.h"

enum hooks_phase {
	HOOKS_PREPARE,	/* 'up', before anything is planned or changed on the host */
	HOOKS_STARTED,	/* QEMU runs paused, every pin verified; before 'cont' */
	HOOKS_STOPPED,	/* QEMU is gone */
	HOOKS_RELEASE,	/* the host is given back (hugepages, knobs, shield) */
	HOOKS_NR_PHASES
};

#define HOOKS_TIMEOUT_S_DEFAULT 30
/* After the SIGTERM of a timeout, how long before SIGKILL. */
#define HOOKS_KILL_GRACE_MS 3000

/* Who the hooks are about. */
struct hooks_vm {
	char *name;
	char *config;		/* MVLAUNCH_CONFIG: the config's absolute path, or NULL */
	char *dir;		/* HOOKS_DIR */
	pid_t pid;		/* MVLAUNCH_PID: QEMU's, 0 before it ran */
	int timeout_ms;		/* per hook */
};

#define HOOKS_VM_INIT { NULL, NULL, NULL, 0, HOOKS_TIMEOUT_S_DEFAULT * 1000 }

/* "prepare", "started", "stopped", "release". */
const char *hooks_phase_name(enum hooks_phase phase);

/*
 * For the VM 'name' of config file 'config' (as given: relative paths are
 * made absolute, symbolic links are not followed for HOOKS_DIR):
 * dir = DIRECTORY-OF-CONFIG/hooks.d, config = its absolute path, the
 * timeout from $MVLAUNCH_HOOK_TIMEOUT. Release with hooks_vm_release().
 */
void hooks_vm_init(struct hooks_vm *vm, const char *name, const char *config);
/*
 * For a VM 'up' started (its state.json, which records HOOKS_DIR and the
 * config): as up saw it. Without state.json (st NULL, or one without
 * them): NAME's config in VMS_DIR, its HOOKS_DIR. pid from st.
 */
void hooks_vm_from_state(struct hooks_vm *vm, const char *name, const struct vm_state *st, const struct vm_dirs *dirs);
void hooks_vm_release(struct hooks_vm *vm);

enum hook_status { HOOK_RUN, HOOK_NOT_EXECUTABLE, HOOK_NOT_REGULAR, HOOK_UNTRUSTED };

struct hook {
	char *path;
	const char *file;	/* the file name in path: the order */
	int own;		/* in NAME/PHASE.d (else all/PHASE.d) */
	enum hook_status status;
	char *why;		/* HOOK_UNTRUSTED: the reason; else NULL */
	char *fix;		/* HOOK_UNTRUSTED: the chmod/chown; else NULL */
};

struct hook_list {
	struct hook *v;
	size_t nr, alloc;
};

#define HOOK_LIST_INIT { NULL, 0, 0 }

/*
 * The hooks of 'phase' in order, names skipped by the rules above left out,
 * each with its status. A directory that is missing has none; one that
 * cannot be read is -1 with the reason in err.
 */
int hooks_list(const struct hooks_vm *vm, enum hooks_phase phase, struct hook_list *list, struct err *err);
void hooks_list_release(struct hook_list *list);

/*
 * Run the hooks of 'phase' for vm, in order. prepare and started stop at the
 * first hook that fails (non-zero exit, a signal, the timeout, refused as
 * untrusted), and a pending Ctrl-C, SIGTERM or SIGHUP (util/interrupt.h)
 * ends the running hook like its timeout; stopped and release run every hook
 * whatever the others did, and are not cut short by such a signal (cleanup
 * must go on). Returns 0, or -1 with each failure in err (the hook, how it
 * ended, the last lines it wrote; the log's path as the hint).
 * 'ran' (may be NULL) gets how many hooks were started.
 */
int hooks_run(const struct hooks_vm *vm, enum hooks_phase phase, int *ran, struct err *err);

/*
 * hooks_run() where a failure must not stop the caller (stopped and release
 * after a failed start, down, run's end): each failure is added to err
 * after what is there already. 0, or -1 when a hook failed.
 */
int hooks_run_cleanup(const struct hooks_vm *vm, enum hooks_phase phase, struct err *err);

/*
 * For 'mvlaunch check': one item per phase that has hooks, listing them in
 * order (PASS), a WARN per file skipped as not executable or not a regular
 * file, a FAIL per hook refused as untrusted.
 */
void hooks_check(struct check_report *r, const struct hooks_vm *vm);

#endif
