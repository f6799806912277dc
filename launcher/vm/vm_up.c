/*
 * vm_up.c - start, pin, verify, resume (see vm_up.h).
 *
 * DESIGN
 * QEMU starts paused (-S) with its CPU affinity already set to the emulator
 * CPUs, so no thread of it ever runs anywhere else, and no vCPU executes a
 * guest instruction before its pin is set and read back. Only then 'cont'.
 * Host changes made on the way (runtime files, the nvram copy) are undone in
 * reverse on any failure, after QEMU itself is stopped. The NICs' taps are
 * opened here (launcher/host/tap.c), passed as fds 4, 5, ... after QMP's
 * 3 and closed right after the spawn: QEMU holds the only copies, so a tap
 * made for it goes when QEMU does, and a failed start leaves none.
 *
 * The root lock (the host's, runtime_lock_root()) is held only while the
 * host's shared books change: planning against what running and starting
 * VMs own, the hugepages and knobs taken (host.json), and the claim
 * (RUN/NAME/claim.json: the CPUs this VM now owns), all before it is let
 * go; later the grants to QEMU's user (host.json again) and, on failure,
 * giving everything back take it again for as long as that write lasts.
 * QEMU's start, QMP, pinning and 'cont' run under the VM's own lock only,
 * so a host booting a dozen VMs starts them side by side. A claim counts
 * while its VM's lock is held: the crash sweep needs nothing to undo it
 * (a killed 'up' drops the lock), and state.json takes over from it. A
 * floating VM planned its pool before a concurrent dedicated VM may have
 * claimed part of it: once its state.json is written (where the next
 * dedicated VM's planner looks), it compares what VMs own with what its
 * plan saw, and follows the pool again if that changed.
 */
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "launcher/vm/vm_up.h"
#include "launcher/vm/paths.h"
#include "launcher/vm/hooks.h"
#include "launcher/vm/pin_apply.h"
#include "launcher/vm/host_plan.h"
#include "launcher/check/check.h"
#include "launcher/host/host_prep.h"
#include "launcher/host/tap.h"
#include "launcher/host/vm_cgroup.h"
#include "launcher/plan/pin_plan.h"
#include "launcher/qemu/qemu_argv.h"
#include "launcher/vm/vm_float.h"
#include "launcher/vm/vm_host.h"
#include "launcher/vm/vm_plan.h"
#include "launcher/vm/vm_uuid.h"
#include "launcher/vm/vm_display.h"
#include "launcher/vm/vm_tpm.h"
#include "launcher/vm/vm_lg.h"
#include "launcher/vm/vm_confine.h"
#include "qmp/qmp_cmds.h"
#include "util/err.h"
#include "util/atomic_file.h"
#include "util/interrupt.h"
#include "util/trust.h"
#include "util/wrapper.h"
#include "util/banned.h"

/* The largest OVMF vars template read (the 4M build's is 540 KiB). */
#define NVRAM_MAX (64 << 20)

/*
 * Copy the OVMF vars template to the VM's own file unless it exists. The
 * copy is written to a temp file, synced and renamed, so a start killed
 * half-way never leaves a cut copy that later starts would use; a copy of
 * another size than its template (cut by an older mvlaunch) is refused.
 * 1 = created, 0 = there already, -1 with the reason in err.
 */
static int prepare_nvram(const struct vm_config *cfg, char **path_out, struct err *err)
{
	char *path = qemu_argv_nvram_path(cfg, paths_state_root());
	char *dir = xstrdup(path);
	struct strbuf tmpl = STRBUF_INIT;
	struct stat st;
	int ret = -1;

	*path_out = path;
	if (strbuf_read_file(&tmpl, cfg->ovmf_vars, NVRAM_MAX, 0) < 0) {
		strbuf_addf(&err->msg, "cannot read the OVMF vars template '%s': %s", cfg->ovmf_vars, strerror(errno));
		err_hintf(err, "install OVMF ('apt-get install ovmf') or set machine.ovmf_vars");
		goto done;
	}
	if (lstat(path, &st) == 0) {
		if (S_ISREG(st.st_mode) && (size_t)st.st_size == tmpl.len) {
			ret = 0;
			goto done;
		}
		strbuf_addf(&err->msg, "the VM's OVMF vars '%s' is %s, its template '%s' has %zu bytes: a copy cut short?",
			    path, S_ISREG(st.st_mode) ? "of another size" : "not a regular file", cfg->ovmf_vars, tmpl.len);
		err_hintf(err, "remove '%s' to start again from the template (the VM's UEFI settings, such as "
			  "its boot order, are then lost)", path);
		goto done;
	}
	/* the state root and the VM's directory in it: this user's, private (mkdir -p above them) */
	if (!cfg->nvram) {
		char *vmdir = paths_vm_state_dir(cfg->name, err);

		if (!vmdir)
			goto done;
		free(vmdir);
	} else {
		/* the config names the file: its directories as it asks */
		for (char *s = dir + 1; (s = strchr(s, '/')); s++) {
			*s = '\0';
			mkdir(dir, 0700);
			*s = '/';
		}
	}
	if (atomic_write_file(path, tmpl.buf, tmpl.len, ATOMIC_FSYNC, &err->msg) < 0)
		goto done;
	ret = 1;
done:
	strbuf_release(&tmpl);
	free(dir);
	return ret;
}

static int check_ghost(struct vm_handle *h, struct strvec *notes, struct err *err)
{
	struct qemu_proc p = QEMU_PROC_INIT;
	struct vm_state st;
	int ret = 0;

	if (vm_handle_find_qemu(&h->rt, &p, &st) == 0) {
		strbuf_addf(&err->msg, "VM '%s' is already running (QEMU pid %d)", h->rt.name, (int)p.pid);
		err_hintf(err, "see 'mvlaunch status %s'", h->rt.name);
		ret = -1;
	} else if (runtime_has_files(&h->rt)) {
		if (st.pid) {
			char *log = runtime_log_path(h->rt.name, "qemu.log");

			strvec_pushf(notes, "removed stale runtime files of '%s' (its QEMU, pid %d, is gone; its log: %s)",
				     h->rt.name, (int)st.pid, log);
			free(log);
		}
		else
			strvec_pushf(notes, "removed stale runtime files of '%s'", h->rt.name);
		runtime_clean_files(&h->rt);
	}
	qemu_proc_release(&p);
	vm_state_release(&st);
	return ret;
}

/*
 * Bind and listen on RUN/qmp.sock ourselves (mode 0600). QEMU gets the
 * listening socket as fd 3, and we can connect at once: the connection waits
 * in the backlog until QEMU's monitor accepts it, so there is no polling for
 * the socket file and no race with QEMU creating it.
 */
static int listen_qmp(struct vm_handle *h, struct err *err)
{
	char *sock = runtime_path(&h->rt, "qmp.sock");
	int fd = qmp_listen(sock, &err->msg);

	free(sock);
	return fd;
}

/* Connect to QEMU's QMP; when that fails, say how QEMU ended, with its log. */
static int connect_qmp(struct vm_handle *h, int timeout_ms, struct err *err)
{
	char *sock = runtime_path(&h->rt, "qmp.sock");
	char *log = runtime_log_path(h->rt.name, "qemu.log");
	struct strbuf e = STRBUF_INIT;
	int ret = 0, r;

	if ((r = qmp_connect(&h->qmp, sock, timeout_ms, &e)) < 0) {
		/* QEMU closing the socket means it died: say how, with its log */
		if (!qemu_proc_alive(&h->proc) || (qemu_proc_wait_exit(&h->proc, 200) && !qemu_proc_alive(&h->proc))) {
			strbuf_addstr(&err->msg, "QEMU ");
			qemu_proc_describe_exit(&h->proc, &err->msg);
			strbuf_addstr(&err->msg, " while starting; the end of its log:");
			qemu_proc_log_tail(log, 8, &err->msg);
		} else if (r == QMP_TIMEOUT) {
			strbuf_addf(&err->msg, "QEMU did not answer on QMP ('%s') within %d ms", sock, timeout_ms);
		} else {
			strbuf_addstr(&err->msg, e.buf);
		}
		ret = -1;
	}
	strbuf_release(&e);
	free(sock);
	free(log);
	return ret;
}

/*
 * The FAIL-level checks of 'mvlaunch check' for this VM (KVM usable, files,
 * passthrough, cpu-pm, 1G pages), before anything is changed: a failure is
 * every problem with its fix; a WARN becomes a note.
 */
static int preflight(const struct vm_config *cfg, const struct plan_host *host, const struct pin_plan *plan,
		     int force, struct strvec *notes, struct err *err)
{
	struct check_report r;
	struct kvm_caps kvm;
	struct strbuf ignore = STRBUF_INIT;
	struct vm_check_ctx ctx = { .cfg = cfg, .host = host, .plan = plan };
	int ret = 0;

	if (cfg->accel == ACCEL_KVM) {
		check_host_kvm_caps(&kvm, &ignore);
		ctx.kvm = &kvm;
	}
	check_report_init(&r);
	check_vm_for_up(&r, &ctx, force);
	for (size_t i = 0; i < r.nr; i++) {
		const struct check_item *it = &r.items[i];

		if (it->level == CHECK_FAIL) {
			strbuf_addf(&err->msg, "%s%s", err->msg.len ? "\n" : "", it->message);
			if (it->fix)
				err_hintf(err, "%s", it->fix);
			ret = -1;
		} else if (it->level == CHECK_WARN) {
			strvec_push(notes, it->message);
		}
	}
	check_report_release(&r);
	strbuf_release(&ignore);
	return ret;
}

/*
 * Between the steps of 'up': a pending Ctrl-C, SIGTERM or SIGHUP (blocked by
 * interrupt_arm(), so it did not kill us half-way) turns into a failure, and
 * the failure path undoes everything done so far. 1 when interrupted.
 */
static int interrupted(struct err *err)
{
	int sig = interrupt_pending();

	if (!sig)
		return 0;
	if (!err->msg.len)
		strbuf_addf(&err->msg, "interrupted by %s", interrupt_name(sig));
	return 1;
}

/* Whether a thread of the VM gets a real-time policy (fifo, rr): on cgroup v1 it needs the root cpu cgroup. */
static int has_realtime(const struct vm_config *cfg)
{
	if (cfg->realtime == 1)
		return 1;
	for (size_t i = 0; i < cfg->nr_sched; i++)
		if (cfg->sched[i].policy == SCHED_FIFO_ || cfg->sched[i].policy == SCHED_RR_)
			return 1;
	return 0;
}

/*
 * The VM's own cgroup, recorded in RUN/NAME/cgroup.json before it is
 * made (the failure path and any later cleanup remove it), its limits
 * written and read back; *procs gets the cgroup.procs files QEMU and swtpm
 * put themselves into, after the shield's.
 */
static int make_cgroup(struct vm_handle *h, struct vm_cgroup *cg, const struct vm_cgroup_limits *lim,
		       const struct host_prep *prep, struct strvec *procs, struct err *err)
{
	if (prep->qemu_cgroup_procs)
		strvec_push(procs, prep->qemu_cgroup_procs);
	vm_cgroup_procs(cg, procs);
	if (runtime_cgroup_record(&h->rt, cg, err) < 0)
		return -1;
	return vm_cgroup_create(cg, lim, err);
}

/* systemd: a process joins the VM's scope while it waits to exec */
struct place_data {
	struct vm_cgroup *cg;
	const struct vm_cgroup_limits *lim;
	const char *uuid;	/* the VM's, told to machined */
	int machine;		/* QEMU: registered with machined (not swtpm) */
	struct strvec *notes;
};

static int place(pid_t pid, void *data, struct strbuf *err)
{
	struct place_data *d = data;

	return vm_cgroup_systemd_place(d->cg, pid, d->lim, d->machine ? d->uuid : NULL, d->notes, err);
}

/* QEMU (or swtpm) is in the VM's cgroup, as the kernel says (a fake tree has no kernel to ask). */
static int check_in_cgroup(const struct vm_cgroup *cg, pid_t pid, const char *what, struct err *err)
{
	char *path;

	if (getenv("MVLAUNCH_SYSROOT") || vm_cgroup_has_pid(cg, pid))
		return 0;
	path = vm_cgroup_path(cg);
	strbuf_addf(&err->msg, "%s (pid %d) is not in its cgroup '%s' (/proc/%d/cgroup)", what, (int)pid, path, (int)pid);
	free(path);
	return -1;
}

static void step(const struct vm_up_opts *opts, const char *what)
{
	if (opts->step)
		opts->step(opts->step_data, what);
}

int vm_up(const struct vm_config *cfg, const struct vm_up_opts *opts, struct vm_handle *h,
	  struct strvec *notes, struct err *err)
{
	struct host_plan hp = HOST_PLAN_INIT;
	struct host_prep prep = HOST_PREP_INIT;
	struct pin_plan plan = { .memory_node = -1 };
	struct strvec plan_notes = STRVEC_INIT;
	int held = 0;
	struct strvec argv = STRVEC_INIT;
	struct qemu_runtime qrt;
	struct qmp_vcpu *vcpus = NULL;
	struct qmp_iothread *io = NULL;
	size_t nr_vcpus = 0, nr_io = 0;
	char *nvram = NULL, *log = NULL, *cfg_abs = NULL, *id_path = NULL;
	int nvram_created = 0, uuid_kept, uuid_created = 0, listen_fd = -1, root_fd = -1, floated = 0, ret = -1, spawned;
	struct cpuset pool;
	struct qemu_proc tpm = QEMU_PROC_INIT;
	struct hooks_vm hooks = HOOKS_VM_INIT;
	int hooked = 0;
	struct vm_cgroup cg = VM_CGROUP_INIT;
	struct vm_cgroup_limits lim;
	struct strvec procs = STRVEC_INIT;
	struct place_data pd = { &cg, &lim, cfg->smbios.uuid, 0, notes };
	struct qemu_spawn_hook hook = { place, &pd };
	struct qemu_user qu = QEMU_USER_INIT;
	struct qemu_spawn_cred cred = { 0 }, *as = NULL;
	struct grant_list gl = GRANT_LIST_INIT, devs = GRANT_LIST_INIT;
	struct vm_ns vns = VM_NS_INIT;
	int granted = 0;
	struct vm_taps taps = VM_TAPS_INIT;
	int *pass = NULL;

	/* the same as 'mvlaunch argv' prints */
	if (vm_plan_qemu_runtime(cfg, 0, &qrt, &uuid_kept, err) < 0 || runtime_lock(&h->rt, cfg->name, 0, err) < 0)
		goto out;
	if (check_ghost(h, notes, err) < 0) {
		runtime_release(&h->rt);	/* not ours to clean: it runs */
		goto out;
	}
	/* who QEMU runs as: a missing user is known before anything changes */
	switch (vm_confine_user(cfg, &qu, err)) {
	case -1:
		goto fail;
	case 0:
		vm_confine_cred(cfg, &qu, &cred);
		as = &cred;
		break;
	default:
		break;
	}
	if (interrupted(err))
		goto fail;
	if (!opts->dry_run) {
		/* before planning and the checks: a hook may bind what they look at (vfio-pci) */
		hooks_vm_init(&hooks, cfg->name, cfg->file);
		hooked = 1;
		step(opts, "running the prepare hooks");
		if (hooks_run(&hooks, HOOKS_PREPARE, NULL, err) < 0 || interrupted(err))
			goto fail;
	}
	/* from planning to the claim, no other 'up' hands out CPUs */
	step(opts, "planning (waits while another mvlaunch command hands out CPUs)");
	/* the topology and host.toml before the lock: only what VMs own changes under it */
	if (host_plan_load(&hp, NULL, NULL, opts->dirs, err) < 0)
		goto fail;
	root_fd = runtime_lock_root(err);
	if (root_fd < 0)
		goto fail;
	host_plan_hold_vms(&hp, (const char *const *)&cfg->name, 1);
	if (vm_plan_build(cfg, &hp, &plan, &plan_notes, err) < 0 || interrupted(err))
		goto fail;
	for (size_t i = 0; i < plan_notes.nr; i++)
		strvec_push(notes, plan_notes.v[i]);
	if (preflight(cfg, &hp.host, &plan, opts->force, notes, err) < 0 || interrupted(err))
		goto fail;
	pool = pin_plan_shared_pool(&hp.host);
	/* before the floating VMs move: a floating VM starting now checks for claims after its state.json */
	if (!opts->dry_run && runtime_claim_write(&h->rt, &plan.owned, plan.dedicated, err) < 0)
		goto fail;
	if (!opts->dry_run && !cpuset_empty(&plan.owned)) {
		/* floating VMs leave the CPUs this one now owns before it runs */
		vm_float_follow(&pool, cfg->name, notes);
		floated = 1;
	}
	/*
	 * hugepages, host knobs and managed passthrough devices on vfio-pci,
	 * before QEMU needs them; a VM that needs none holds nothing, and up
	 * writes no host.json for it
	 */
	vm_host_prep_init(&prep, &hp.hc, &hp.topo, opts->dry_run);
	/*
	 * what a killed run of this VM left granted goes back now (no QEMU of
	 * it runs: check_ghost), before its logs rotate: a grant follows its
	 * inode, and events.log is renamed
	 */
	if (!opts->dry_run && host_prep_ungrant(&prep, cfg->name, err) < 0)
		goto fail;
	if (vm_config_any_hugepages(cfg) || host_config_has_knobs(&hp.hc) || host_prep_managed(cfg)) {
		step(opts, host_prep_managed(cfg) ? "binding passthrough devices to vfio-pci, taking hugepages and setting "
						    "host knobs" :
			   vm_config_any_hugepages(cfg) ? "taking hugepages from the kernel and setting host knobs"
							    : "setting host knobs");
		if (host_prep_hold(&prep, cfg->name, cfg, &plan, err) < 0)
			goto fail;
		held = !opts->dry_run;
	}
	if (interrupted(err))
		goto fail;
	for (size_t i = 0; i < prep.notes.nr; i++)
		strvec_push(notes, prep.notes.v[i]);
	for (size_t i = 0; opts->changes && i < prep.changes.nr; i++)
		strvec_push(opts->changes, prep.changes.v[i]);
	if (!opts->dry_run) {
		/* planned and claimed: the next 'up' may plan while this one starts QEMU */
		close(root_fd);
		root_fd = -1;
	}
	if (cfg->firmware == FW_UEFI) {
		int r = prepare_nvram(cfg, &nvram, err);

		if (r < 0)
			goto fail;
		nvram_created = r;
	}
	if (qemu_argv_build(cfg, &plan, &qrt, &argv, NULL, &err->msg) < 0 || interrupted(err))
		goto fail;
	vm_cgroup_limits_from_config(&lim, cfg);
	if (vm_cgroup_plan(&cg, cfg->name, has_realtime(cfg), &lim, err) < 0)
		goto fail;
	if (cg.no_cpu)
		strvec_push(notes, "cgroup v1: QEMU stays in the root cpu cgroup (its real-time threads need the root's RT time)");
	if (opts->argv)
		strvec_pushv(opts->argv, (const char **)argv.v);
	if (opts->dry_run) {
		/* nothing was changed; the directory the lock made goes again */
		runtime_clean(&h->rt);
		runtime_release(&h->rt);
		if (nvram_created)
			unlink(nvram);
		ret = 0;
		goto out;
	}
	if (!uuid_kept) {
		/* the UUID 'argv' showed, kept from now on */
		if (vm_uuid_keep(cfg->name, qrt.uuid, err) < 0)
			goto fail;
		uuid_created = 1;
	}
	/* the last boots' logs stay for whoever investigates a crash */
	if (runtime_logs_rotate(cfg->name, err) < 0 || runtime_events_prepare(&h->rt, err) < 0 ||
	    runtime_console_lock_prepare(&h->rt, err) < 0)
		goto fail;
	log = runtime_log_path(cfg->name, "qemu.log");
	listen_fd = listen_qmp(h, err);
	if (listen_fd < 0 || interrupted(err))
		goto fail;
	if (vm_lg_prepare(cfg, &h->rt, err) < 0 || interrupted(err))
		goto fail;
	step(opts, "making the VM's cgroup and setting its limits");
	if (make_cgroup(h, &cg, &lim, &prep, &procs, err) < 0 || interrupted(err))
		goto fail;
	if (as) {
		/* each file and device QEMU opens, granted to its user (recorded in host.json first) */
		step(opts, "granting QEMU's user the files and devices the VM uses");
		if (vm_confine_paths(cfg, &h->rt, nvram, &gl, err) < 0)
			goto fail;
		/* with a private /dev its nodes are QEMU's own copies: the host's stay as they are */
		vm_confine_split_devs(cfg, &gl, &devs);
		granted = 1;
		root_fd = runtime_lock_root(err);
		if (root_fd < 0 || host_prep_grant(&prep, cfg->name, &qu, &gl, err) < 0 || interrupted(err))
			goto fail;
		close(root_fd);
		root_fd = -1;
		if (cfg->private_dev == 1 && vm_confine_ns(&devs, &gl, &qu, h->rt.dir, &vns, err) < 0)
			goto fail;
		for (size_t i = 0; opts->changes && i < prep.changes.nr; i++)
			strvec_push(opts->changes, prep.changes.v[i]);
		if (cfg->tpm == 1) {
			char *dir = vm_tpm_state_dir(cfg->name);
			int r = vm_confine_tpm_state(dir, &qu, err);

			free(dir);
			if (r < 0)
				goto fail;
		}
	}
	if (cfg->tpm == 1) {
		/* swtpm: the same user, without QEMU's memory limit */
		struct qemu_spawn_cred tpm_cred = cred;

		tpm_cred.memlock = 0;
		step(opts, "starting swtpm (the TPM)");
		if (vm_tpm_start(cfg, &h->rt, &plan.emulator, (const char *const *)procs.v,
				 cg.backend == VM_CGROUP_SYSTEMD ? &hook : NULL, as ? &tpm_cred : NULL, &tpm, err) < 0 ||
		    check_in_cgroup(&cg, tpm.pid, "swtpm", err) < 0 || interrupted(err))
			goto fail;
		/* swtpm runs beside the emulator threads: their CPUs, and their [[sched]] policy */
		if (plan.emulator_sched.policy >= 0) {
			struct sched_param sp = { .sched_priority = plan.emulator_sched.priority };

			if (sched_setscheduler(tpm.pid, plan.emulator_sched.policy, &sp) < 0) {
				strbuf_addf(&err->msg, "cannot give swtpm (pid %d) the emulator threads' policy %s: %s",
					    (int)tpm.pid, vm_thread_policy_name(plan.emulator_sched.policy), strerror(errno));
				goto fail;
			}
		}
	}
	step(opts, "opening the taps");
	if (tap_open(cfg, &taps, err) < 0 || interrupted(err))
		goto fail;
	/* QMP's listening socket becomes fd 3 (qrt.qmp_fd), the taps 4, 5, ... as the argv says */
	pass = xcalloc(1 + taps.nr, sizeof(*pass));
	pass[0] = listen_fd;
	for (size_t i = 0; i < taps.nr; i++)
		pass[1 + i] = taps.fds[i];
	step(opts, "starting QEMU");
	id_path = runtime_path(&h->rt, "qemu.id");
	if (qrt.uuid)
		pd.uuid = qrt.uuid;
	pd.machine = 1;
	{
		struct qemu_spawn_opts so = { .log_path = log, .affinity = &plan.emulator,
					      .cgroup_procs = (const char *const *)procs.v,
					      .hook = cg.backend == VM_CGROUP_SYSTEMD ? &hook : NULL, .pass_fds = pass,
					      .nr_pass_fds = 1 + taps.nr, .id_path = id_path, .cred = as,
					      .ns = as && cfg->private_dev == 1 ? &vns.ns : NULL };

		spawned = qemu_proc_spawn_opts(&argv, &so, &h->proc, &err->msg);
	}
	/* QEMU holds its copies now (or failed): a tap we made goes when QEMU does */
	tap_close(&taps);
	if (spawned < 0) {
		if (spawned == QEMU_SPAWN_NOT_FOUND)
			err_hintf(err, "install QEMU ('make deps' or 'apt-get install qemu-system-x86'), "
				  "or set qemu.binary in %s", cfg->file);
		goto fail;
	}
	hooks.pid = h->proc.pid;
	close(listen_fd);	/* QEMU holds it now */
	listen_fd = -1;
	/* systemd wrote the limits from the scope's properties: read back now */
	if (check_in_cgroup(&cg, h->proc.pid, "QEMU", err) < 0 ||
	    (cg.backend == VM_CGROUP_SYSTEMD && vm_cgroup_verify(&cg, &lim, err) < 0))
		goto fail;
	step(opts, cfg->prealloc == 1 ? "waiting for QEMU to answer on QMP (it preallocates guest RAM first)"
				       : "waiting for QEMU to answer on QMP");
	if (connect_qmp(h, opts->timeout_ms, err) < 0 || interrupted(err))
		goto fail;
	step(opts, "pinning every thread and reading the pins back");
	if (qmp_query_threads(h->qmp, &vcpus, &nr_vcpus, &io, &nr_io, &err->msg) < 0 || interrupted(err))
		goto fail;
	if (pin_apply(h->proc.pid, vcpus, nr_vcpus, io, nr_io, &plan, &h->state.threads, err) < 0 || interrupted(err))
		goto fail;
	if (vm_display_start(h->qmp, cfg, err) < 0 || interrupted(err))
		goto fail;
	step(opts, "running the started hooks");
	if (hooks_run(&hooks, HOOKS_STARTED, NULL, err) < 0 || interrupted(err))
		goto fail;
	if (!opts->paused) {
		step(opts, "resuming the guest");
		if (qmp_simple(h->qmp, "cont", &err->msg) < 0)
			goto fail;
	}
	cfg_abs = realpath(cfg->file, NULL);
	h->state.name = xstrdup(cfg->name);
	h->state.pid = h->proc.pid;
	h->state.start_time = h->proc.start_time;
	h->state.started_at = (long long)time(NULL);
	h->state.config = xstrdup(cfg_abs ? cfg_abs : cfg->file);
	h->state.config_digest = cfg->digest;
	h->state.hooks_dir = xstrdup(hooks.dir);
	h->state.qemu_version = xstrdup(qmp_qemu_version(h->qmp));
	h->state.emulator = plan.emulator;
	h->state.emulator_floating = plan.emulator_float;
	h->state.owned = plan.owned;
	h->state.dedicated = plan.dedicated;
	if (interrupted(err))
		goto fail;
	{
		/* the point of no return: from here on a signal no longer undoes the start */
		char *state_path = runtime_path(&h->rt, "state.json");
		int r = vm_state_write(state_path, &h->state, err);

		free(state_path);
		if (r < 0)
			goto fail;
	}
	runtime_claim_drop(&h->rt);	/* state.json says the same now */
	if (vm_float_state(&h->state)) {
		/* a dedicated VM claimed CPUs of this one's pool while it started: follow the pool again */
		struct cpuset now;
		struct err e2 = ERR_INIT;

		host_plan_owned_now(&now);
		if (!cpuset_equal(&now, &hp.host.owned) && vm_float_refresh(opts->dirs, notes, &e2) < 0)
			strvec_pushf(notes, "%s", e2.msg.buf);
		err_release(&e2);
	}
	close(h->rt.lock_fd);
	h->rt.lock_fd = -1;
	ret = 0;
	goto out;
fail:
	if (h->proc.pid > 0 && !h->proc.exited)
		qemu_proc_kill(&h->proc, 3000);
	if (tpm.pid > 0 && !tpm.exited)
		qemu_proc_kill(&tpm, 2000);	/* QEMU never connected, or did and is gone */
	/* as libvirt after a failed start: once prepare ran (even if it failed), stopped and release too */
	if (hooked)
		hooks_run_cleanup(&hooks, HOOKS_STOPPED, err);
	qmp_close(h->qmp);
	h->qmp = NULL;
	{
		/* QEMU is gone: its cgroup goes before the runtime files (a failure to is told) */
		struct err e2 = ERR_INIT;

		if (runtime_clean_cgroup(&h->rt, &e2) < 0)
			strvec_pushf(notes, "%s", e2.msg.buf);
		err_release(&e2);
	}
	runtime_clean(&h->rt);
	runtime_release(&h->rt);
	if (nvram_created)
		unlink(nvram);
	if (uuid_created)
		vm_uuid_forget(cfg->name);
	if (held || granted || floated) {
		/* given back under the root lock, which a signal that ended the start does not end */
		struct err e2 = ERR_INIT;

		if (root_fd < 0)
			root_fd = runtime_lock_root_undo(&e2);
		if (held || granted)
			host_prep_unhold(&prep, cfg->name, &e2);
		if (floated) {
			/* the CPUs it would have owned (its claim went with the runtime files) go back to the floating VMs */
			struct host_plan now = HOST_PLAN_INIT;

			err_reset(&e2);
			if (host_plan_init(&now, NULL, NULL, opts->dirs, NULL, 0, &e2) == 0) {
				pool = pin_plan_shared_pool(&now.host);
				vm_float_follow(&pool, cfg->name, NULL);
			}
			host_plan_release(&now);
		}
		err_release(&e2);
	}
	if (root_fd >= 0) {
		close(root_fd);	/* the release hooks run without it */
		root_fd = -1;
	}
	if (hooked)
		hooks_run_cleanup(&hooks, HOOKS_RELEASE, err);
	qemu_proc_release(&h->proc);
	vm_state_release(&h->state);
out:
	qemu_proc_release(&tpm);
	qemu_user_release(&qu);
	grant_list_clear(&gl);
	grant_list_clear(&devs);
	vm_confine_ns_release(&vns);
	vm_cgroup_release(&cg);
	strvec_clear(&procs);
	hooks_vm_release(&hooks);
	host_prep_release(&prep);
	if (root_fd >= 0)
		close(root_fd);
	host_plan_release(&hp);
	strvec_clear(&plan_notes);
	if (listen_fd >= 0)
		close(listen_fd);
	tap_close(&taps);
	free(pass);
	free(cfg_abs);
	free(log);
	free(id_path);
	free(nvram);
	free(vcpus);
	qmp_iothreads_free(io, nr_io);
	strvec_clear(&argv);
	pin_plan_release(&plan);
	vm_plan_qemu_runtime_release(&qrt);
	return ret;
}

