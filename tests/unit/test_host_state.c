/*
 * test_host_state.c - unit tests for launcher/host/host_state.c, the one
 * reader and writer of host.json: the knob table (each kind, and paths that
 * only look like knobs); the ordered maps (replace in place, delete keeping
 * order); a full file read and written back byte for byte; an older file
 * without "pools"; the grants of files to QEMU's user; no file (empty) and an empty state (the file goes); the
 * same state again (no write: the inode stays); and every kind of stranger
 * refused with its message, leaving the struct empty.
 */
#include <jansson.h>

#include "tests/unit/unit.h"
#include "launcher/host/host_state.h"
#include "util/err.h"
#include "util/wrapper.h"

static char tmp[64];
static char *path;

static int setup(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "/tmp/mvl-hstate-XXXXXX");
	if (!mkdtemp(tmp))
		return -1;
	path = xstrfmt("%s/host.json", tmp);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tree_remove(tmp);
	free(path);
	return 0;
}

static void put(const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, 0600);
}

static char *slurp(const char *p)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;
	FILE *f = fopen(p, "r");

	if (!f)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(f);
	return strbuf_detach(&sb);
}

static void test_host_state_knob(void **state)
{
	(void)state;
	assert_int_equal(host_state_knob("/sys/kernel/mm/transparent_hugepage/enabled"), KNOB_BRACKETED);
	assert_int_equal(host_state_knob("/proc/sys/vm/stat_interval"), KNOB_PLAIN);
	assert_int_equal(host_state_knob("/proc/irq/24/smp_affinity_list"), KNOB_IRQ);
	assert_int_equal(host_state_knob("/sys/devices/system/cpu/cpu13/cpufreq/scaling_governor"), KNOB_CPUFREQ);
	assert_int_equal(host_state_knob("/sys/devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages"),
			 KNOB_POOL);
	assert_int_equal(host_state_knob("/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages"), KNOB_POOL);
	/* '#' is one or more digits, nothing else; the whole path must match */
	assert_int_equal(host_state_knob("/proc/irq/x/smp_affinity_list"), KNOB_NONE);
	assert_int_equal(host_state_knob("/proc/irq//smp_affinity_list"), KNOB_NONE);
	assert_int_equal(host_state_knob("/proc/irq/24/smp_affinity_list/"), KNOB_NONE);
	assert_int_equal(host_state_knob("/proc/irq/24/../../../etc/passwd"), KNOB_NONE);
	assert_int_equal(host_state_knob("/proc/sys/vm/stat_interval2"), KNOB_NONE);
	assert_int_equal(host_state_knob("/etc/shadow"), KNOB_NONE);
	assert_int_equal(host_state_knob(""), KNOB_NONE);
	assert_int_equal(host_state_knob(NULL), KNOB_NONE);
}

static void test_host_state_maps(void **state)
{
	struct host_state_values vs = { 0 };
	struct host_state_counts cs = { 0 };

	(void)state;
	host_state_value_set(&vs, "a", "1");
	host_state_value_set(&vs, "b", "2");
	host_state_value_set(&vs, "c", "3");
	host_state_value_set(&vs, "b", "two");	/* in place */
	assert_int_equal(vs.nr, 3);
	assert_string_equal(vs.v[1].key, "b");
	assert_string_equal(host_state_value_get(&vs, "b"), "two");
	assert_null(host_state_value_get(&vs, "d"));
	host_state_value_del(&vs, 0);
	assert_int_equal(vs.nr, 2);
	assert_string_equal(vs.v[0].key, "b");
	assert_string_equal(vs.v[1].key, "c");
	host_state_values_clear(&vs);
	assert_int_equal(vs.nr, 0);

	host_state_count_set(&cs, "p", 3);
	host_state_count_set(&cs, "q", 4);
	host_state_count_set(&cs, "p", 5);
	assert_int_equal(cs.nr, 2);
	assert_int_equal(host_state_count_get(&cs, "p"), 5);
	assert_int_equal(host_state_count_get(&cs, "none"), 0);
	assert_int_equal(host_state_count_find(&cs, "q"), 1);
	assert_int_equal(host_state_count_find(&cs, "none"), -1);
	host_state_count_del(&cs, 0);
	assert_string_equal(cs.v[0].key, "q");
	host_state_counts_clear(&cs);
}

#define FULL \
	"{\n" \
	" \"knobs\": {\n" \
	"  \"/proc/sys/vm/stat_interval\": \"1\",\n" \
	"  \"/sys/kernel/mm/transparent_hugepage/enabled\": \"madvise\",\n" \
	"  \"/proc/irq/24/smp_affinity_list\": \"0-3\"\n" \
	" },\n" \
	" \"pools\": {\n" \
	"  \"/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages\": 3\n" \
	" },\n" \
	" \"holders\": {\n" \
	"  \"vm-b\": {\n" \
	"   \"cpus\": [\n" \
	"    2,\n" \
	"    3\n" \
	"   ],\n" \
	"   \"hugepages\": {\n" \
	"    \"/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages\": 512\n" \
	"   }\n" \
	"  },\n" \
	"  \"(manual)\": {\n" \
	"   \"cpus\": [],\n" \
	"   \"hugepages\": {}\n" \
	"  }\n" \
	" },\n" \
	" \"mounts\": [\n" \
	"  \"/dev/hugepages1G\"\n" \
	" ],\n" \
	" \"shield\": {\n" \
	"  \"backend\": \"cgroup2\",\n" \
	"  \"enabled_controller\": true,\n" \
	"  \"cgroup\": \"/sys/fs/cgroup/mvlaunch.host\",\n" \
	"  \"others\": {\n" \
	"   \"/sys/fs/cgroup/system.slice/cpuset.cpus\": \"\"\n" \
	"  },\n" \
	"  \"units\": {}\n" \
	" }\n" \
	"}"

static void test_host_state_round_trip(void **state)
{
	struct host_state st;
	struct err err = ERR_INIT;
	char *text;

	(void)state;
	put(FULL);
	assert_int_equal(host_state_load(path, &st, &err), 0);
	assert_string_equal(err.msg.buf, "");
	assert_int_equal(st.knobs.nr, 3);
	assert_string_equal(st.knobs.v[2].key, "/proc/irq/24/smp_affinity_list");
	assert_int_equal(st.pools.v[0].n, 3);
	assert_int_equal(st.nr_holders, 2);
	assert_string_equal(st.holders[0].name, "vm-b");
	assert_true(cpuset_has(&st.holders[0].cpus, 2) && cpuset_has(&st.holders[0].cpus, 3));
	assert_int_equal(cpuset_count(&st.holders[0].cpus), 2);
	assert_int_equal(st.holders[0].pages.v[0].n, 512);
	assert_non_null(host_state_holder(&st, HOST_MANUAL));
	assert_null(host_state_holder(&st, "vm-c"));
	assert_int_equal(st.shield.backend, SHIELD_CGROUP2);
	assert_int_equal(st.shield.enabled_controller, 1);
	assert_string_equal(st.shield.cgroup, "/sys/fs/cgroup/mvlaunch.host");
	assert_string_equal(host_state_value_get(&st.shield.others, "/sys/fs/cgroup/system.slice/cpuset.cpus"), "");
	assert_int_equal(st.shield.has_units, 1);
	assert_int_equal(st.shield.units.nr, 0);

	/* written back: the same bytes */
	unlink(path);
	assert_int_equal(host_state_save(path, &st, &err), 0);
	text = slurp(path);
	assert_string_equal(text, FULL);
	free(text);

	/* a holder less and the shield gone: written without them */
	host_state_holder_del(&st, 0);
	host_state_shield_clear(&st.shield);
	assert_int_equal(host_state_save(path, &st, &err), 0);
	text = slurp(path);
	assert_null(strstr(text, "vm-b"));
	assert_null(strstr(text, "shield"));
	assert_non_null(strstr(text, "(manual)"));
	free(text);
	host_state_release(&st);
	err_release(&err);
}

/* Managed passthrough's records: read, and written back as they were; without them the file has no "vfio". */
static void test_host_state_vfio(void **state)
{
	static const char text[] =
		"{\n \"knobs\": {},\n \"pools\": {},\n \"holders\": {\n  \"win\": {\n   \"cpus\": [],\n"
		"   \"hugepages\": {},\n   \"vfio\": [\n    \"0000:01:00.0\",\n    \"0000:01:00.1\"\n   ]\n  }\n },\n"
		" \"mounts\": [],\n \"vfio\": {\n  \"0000:01:00.0\": {\n   \"driver\": \"amdgpu\",\n"
		"   \"driver_override\": \"\"\n  },\n  \"0000:01:00.1\": {\n   \"driver\": null,\n"
		"   \"driver_override\": \"pci-stub\"\n  }\n }\n}";
	struct host_state st;
	struct err err = ERR_INIT;
	char *back;

	(void)state;
	put(text);
	assert_int_equal(host_state_load(path, &st, &err), 0);
	assert_int_equal(st.nr_pci, 2);
	assert_string_equal(host_state_pci(&st, "0000:01:00.0")->driver, "amdgpu");
	assert_null(host_state_pci(&st, "0000:01:00.1")->driver);
	assert_string_equal(host_state_pci(&st, "0000:01:00.1")->override, "pci-stub");
	assert_null(host_state_pci(&st, "0000:02:00.0"));
	check_argv(&st.holders[0].vfio, "0000:01:00.0", "0000:01:00.1");
	unlink(path);
	assert_int_equal(host_state_save(path, &st, &err), 0);
	back = slurp(path);
	assert_string_equal(back, text);
	free(back);
	/* the records outlive their holder: the file stays until they are restored */
	host_state_holder_del(&st, 0);
	assert_int_equal(host_state_save(path, &st, &err), 0);
	assert_int_equal(access(path, F_OK), 0);
	host_state_pci_del(&st, 0);
	host_state_pci_del(&st, 0);
	assert_int_equal(host_state_save(path, &st, &err), 0);
	assert_int_equal(access(path, F_OK), -1);
	host_state_release(&st);
	assert_string_equal(err.msg.buf, "");
	err_release(&err);
}

static void test_host_state_grants(void **state)
{
	static const char text[] =
		"{\n \"knobs\": {},\n \"pools\": {},\n \"holders\": {},\n \"mounts\": [],\n \"grants\": {\n"
		"  \"/srv/vm/disk.img\": {\n   \"dev\": 65024,\n   \"ino\": 12,\n   \"uid\": 0,\n   \"gid\": 6,\n"
		"   \"mode\": \"0640\",\n   \"acl\": null,\n   \"how\": \"acl\",\n   \"user\": 106,\n"
		"   \"perms\": \"rw-\",\n   \"holders\": [\n    \"win\",\n    \"lin\"\n   ]\n  },\n"
		"  \"/srv/iso\": {\n   \"dev\": 1,\n   \"ino\": 2,\n   \"uid\": 1000,\n   \"gid\": 1000,\n"
		"   \"mode\": \"0700\",\n   \"acl\": \"user::rwx,user:1001:r-x,group::---,mask::r-x,other::---\",\n"
		"   \"how\": \"chown\",\n   \"user\": 106,\n   \"perms\": \"--x\",\n   \"holders\": [\n"
		"    \"win\"\n   ]\n  }\n }\n}";
	struct host_state st;
	struct err err = ERR_INIT;
	struct host_state_grant *g;
	char *back;

	(void)state;
	put(text);
	assert_int_equal(host_state_load(path, &st, &err), 0);
	assert_int_equal(st.nr_grants, 2);
	g = host_state_grant(&st, "/srv/vm/disk.img");
	assert_non_null(g);
	assert_int_equal(g->dev, 65024);
	assert_int_equal(g->ino, 12);
	assert_int_equal(g->gid, 6);
	assert_int_equal(g->mode, 0640);
	assert_null(g->acl);
	assert_int_equal(g->how, GRANT_ACL);
	assert_int_equal(g->perms, 6);
	check_argv(&g->holders, "win", "lin");
	g = host_state_grant(&st, "/srv/iso");
	assert_string_equal(g->acl, "user::rwx,user:1001:r-x,group::---,mask::r-x,other::---");
	assert_int_equal(g->how, GRANT_CHOWN);
	assert_int_equal(g->perms, 1);
	assert_null(host_state_grant(&st, "/srv"));
	unlink(path);
	assert_int_equal(host_state_save(path, &st, &err), 0);
	back = slurp(path);
	assert_string_equal(back, text);
	free(back);
	/* grants alone keep the file; without them it goes */
	host_state_grant_del(&st, 0);
	assert_int_equal(host_state_save(path, &st, &err), 0);
	assert_int_equal(access(path, F_OK), 0);
	host_state_grant_del(&st, 0);
	assert_int_equal(host_state_save(path, &st, &err), 0);
	assert_int_equal(access(path, F_OK), -1);
	host_state_release(&st);
	assert_string_equal(err.msg.buf, "");
	err_release(&err);
}

/* Whether a VM may be named in host.json, from the text alone: never 0 for a name it records. */
static void test_host_state_may_name(void **state)
{
	struct host_state st = HOST_STATE_INIT;
	struct err err = ERR_INIT;
	struct host_state_grant *g;

	(void)state;
	unlink(path);
	assert_int_equal(host_state_may_name(path, "win"), 0);	/* no file: nothing held */
	g = host_state_grant_add(&st, "/srv/vm/win/disk.img");
	g->how = GRANT_ACL;
	g->perms = 6;
	strvec_push(&g->holders, "win");
	strvec_push(&g->holders, "lin");
	host_state_holder_add(&st, "db-1.x_y");
	assert_int_equal(host_state_save(path, &st, &err), 0);
	assert_int_equal(host_state_may_name(path, "win"), 1);
	assert_int_equal(host_state_may_name(path, "lin"), 1);
	assert_int_equal(host_state_may_name(path, "db-1.x_y"), 1);
	/* part of a name, or of a path, is not the name */
	assert_int_equal(host_state_may_name(path, "wi"), 0);
	assert_int_equal(host_state_may_name(path, "db-1"), 0);
	assert_int_equal(host_state_may_name(path, "vm"), 0);
	assert_int_equal(host_state_may_name(path, "disk.img"), 0);
	/* a key of the file itself may be a name too: then it is loaded to know */
	assert_int_equal(host_state_may_name(path, "grants"), 1);
	/* a character JSON may escape: only the parser can tell */
	assert_int_equal(host_state_may_name(path, "a/b"), 1);
	host_state_release(&st);
	assert_string_equal(err.msg.buf, "");
	err_release(&err);
}

static void test_host_state_empty(void **state)
{
	struct host_state st;
	struct err err = ERR_INIT;
	struct stat a, b;
	char *text;

	(void)state;
	/* no file: nothing held */
	assert_int_equal(host_state_load(path, &st, &err), 0);
	assert_int_equal(st.nr_holders + st.knobs.nr + st.pools.nr + st.mounts.nr, 0);
	assert_int_equal(st.shield.backend, SHIELD_NONE);
	/* nothing held: no file, and an old one goes */
	put("{}");
	assert_int_equal(host_state_save(path, &st, &err), 0);
	assert_int_equal(access(path, F_OK), -1);

	/* written by an mvlaunch before pools: read, and written with them */
	put("{\"knobs\": {\"/proc/sys/kernel/watchdog\": \"1\"}, \"holders\": {}, \"mounts\": []}");
	assert_int_equal(host_state_load(path, &st, &err), 0);
	assert_int_equal(host_state_save(path, &st, &err), 0);
	text = slurp(path);
	assert_string_equal(text, "{\n \"knobs\": {\n  \"/proc/sys/kernel/watchdog\": \"1\"\n },\n \"pools\": {},\n"
			    " \"holders\": {},\n \"mounts\": []\n}");
	free(text);
	/* the same state again: no write (the file is the same inode, not a new one renamed over it) */
	assert_int_equal(stat(path, &a), 0);
	assert_int_equal(host_state_save(path, &st, &err), 0);
	assert_int_equal(stat(path, &b), 0);
	assert_true(a.st_ino == b.st_ino);
	host_state_release(&st);
	assert_string_equal(err.msg.buf, "");
	err_release(&err);
}

static void test_host_state_refused(void **state)
{
	static const char *const bad[][2] = {
		{ "{\"knobs\": {\"/etc/shadow\": \"x\"}, \"holders\": {}, \"mounts\": []}",
		  "is refused: knob '/etc/shadow' is not one mvlaunch changes" },
		{ "{\"knobs\": {\"/proc/sys/vm/stat_interval\": 1}, \"holders\": {}, \"mounts\": []}",
		  "is refused: knob '/proc/sys/vm/stat_interval' is not one mvlaunch changes" },
		{ "{\"knobs\": {\"/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages\": \"1\"}, \"holders\": {}, "
		  "\"mounts\": []}", "is not one mvlaunch changes" },
		{ "{\"knobs\": {}, \"pools\": {\"/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages\": -1}, "
		  "\"holders\": {}, \"mounts\": []}", "hugepage pool '/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages' "
		  "is not one" },
		{ "{\"knobs\": {}, \"holders\": {\"a\": {\"cpus\": [4096]}}, \"mounts\": []}",
		  "holder 'a' names CPU out of range" },
		{ "{\"knobs\": {}, \"holders\": {\"a\": {\"cpus\": [\"1\"]}}, \"mounts\": []}",
		  "holder 'a' names CPU that is no number" },
		{ "{\"knobs\": {}, \"holders\": {\"a\": {\"cpus\": 1}}, \"mounts\": []}", "holder 'a' has no list of CPUs" },
		{ "{\"knobs\": {}, \"holders\": {\"a\": {\"cpus\": [], \"hugepages\": {\"/tmp/x\": 3}}}, \"mounts\": []}",
		  "holder 'a' holds pages of '/tmp/x'" },
		{ "{\"knobs\": {}, \"holders\": {\"a b\": {\"cpus\": []}}, \"mounts\": []}", "holder 'a b' is no VM name" },
		{ "{\"knobs\": {}, \"holders\": {}, \"mounts\": [3]}", "a mount point is not an absolute path" },
		{ "{\"knobs\": {}, \"holders\": {}, \"mounts\": [], \"grants\": {\"rel/x\": {\"dev\": 1, \"ino\": 1, "
		  "\"uid\": 0, \"gid\": 0, \"mode\": \"0600\", \"acl\": null, \"how\": \"acl\", \"user\": 1, \"perms\": \"rw-\", "
		  "\"holders\": []}}}", "grant 'rel/x' is not one mvlaunch writes" },
		{ "{\"knobs\": {}, \"holders\": {}, \"mounts\": [], \"grants\": {\"/x\": {\"dev\": 1, \"ino\": 1, "
		  "\"uid\": 0, \"gid\": 0, \"mode\": \"17777\", \"acl\": null, \"how\": \"acl\", \"user\": 1, \"perms\": \"rw-\", "
		  "\"holders\": []}}}", "grant '/x' is not one mvlaunch writes" },
		{ "{\"knobs\": {}, \"holders\": {}, \"mounts\": [], \"grants\": {\"/x\": {\"dev\": 1, \"ino\": 1, "
		  "\"uid\": 0, \"gid\": 0, \"mode\": \"0600\", \"acl\": null, \"how\": \"setuid\", \"user\": 1, "
		  "\"perms\": \"rw-\", \"holders\": []}}}", "grant '/x' is not one mvlaunch writes" },
		{ "{\"knobs\": {}, \"holders\": {}, \"mounts\": [], \"grants\": {\"/x\": {\"dev\": 1, \"ino\": 1, "
		  "\"uid\": 0, \"gid\": 0, \"mode\": \"0600\", \"acl\": null, \"how\": \"acl\", \"user\": 1, \"perms\": \"wr-\", "
		  "\"holders\": []}}}", "grant '/x' is not one mvlaunch writes" },
		{ "{\"knobs\": {}, \"holders\": {}, \"mounts\": [], \"grants\": {\"/x\": {\"dev\": 1, \"ino\": 1, "
		  "\"uid\": 0, \"gid\": 0, \"mode\": \"0600\", \"acl\": null, \"how\": \"acl\", \"user\": 1, \"perms\": \"rw-\", "
		  "\"holders\": [7]}}}", "grant '/x' has a holder that is not a name" },
		{ "{\"knobs\": {}, \"holders\": {}, \"mounts\": [\"/a/../etc\"]}", "a mount point is not an absolute path" },
		{ "{\"knobs\": {}, \"holders\": {}, \"mounts\": [], \"shield\": {\"backend\": \"lxc\"}}",
		  "the shield names no known backend" },
		{ "{\"knobs\": {}, \"holders\": {}, \"mounts\": [], \"shield\": {\"backend\": \"cgroup1\", \"cgroup\": 7}}",
		  "the shield cgroup is not mvlaunch's own" },
		{ "{\"knobs\": {}, \"holders\": {}, \"mounts\": [], \"shield\": {\"backend\": \"cgroup1\", "
		  "\"others\": {\"/sys/fs/cgroup/cpuset/a/cpuset.mems\": \"0\"}}}",
		  "the shield would write '/sys/fs/cgroup/cpuset/a/cpuset.mems'" },
		{ "{\"knobs\": {}, \"holders\": {}, \"mounts\": [], \"shield\": {\"backend\": \"systemd\", "
		  "\"units\": {\"sshd.service\": \"\"}}}", "the shield would change systemd unit 'sshd.service'" },
		{ "{\"knobs\": {}, \"holders\": {}, \"mounts\": [], \"shield\": {\"backend\": \"systemd\", "
		  "\"units\": {\"init.scope\": 0}}}", "the shield's unit 'init.scope' is no string" },
		{ "{\"knobs\": {}, \"holders\": {}, \"mounts\": [], \"vfio\": {\"../../x\": {\"driver\": null, "
		  "\"driver_override\": \"\"}}}", "PCI function '../../x' is no PCI address" },
		{ "{\"knobs\": {}, \"holders\": {}, \"mounts\": [], \"vfio\": {\"0000:01:00.0\": {\"driver\": \"../x\", "
		  "\"driver_override\": \"\"}}}", "PCI function '0000:01:00.0' names no driver" },
		{ "{\"knobs\": {}, \"holders\": {}, \"mounts\": [], \"vfio\": {\"0000:01:00.0\": {\"driver\": null}}}",
		  "PCI function '0000:01:00.0' names no driver" },
		{ "{\"knobs\": {}, \"holders\": {}, \"mounts\": [], \"vfio\": []}", "the PCI functions are no map" },
		{ "{\"knobs\": {}, \"holders\": {\"a\": {\"cpus\": [], \"vfio\": [\"/etc\"]}}, \"mounts\": []}",
		  "holder 'a' holds a PCI function that is no PCI address" },
		{ "{\"knobs\": {}, \"holders\": {\"a\": {\"cpus\": [], \"vfio\": \"0000:01:00.0\"}}, \"mounts\": []}",
		  "holder 'a' has no list of PCI functions" },
		{ "{\"knobs\": [], \"holders\": {}, \"mounts\": []}", "is corrupt (wrong shape)" },
		{ "{\"knobs\": {}, \"holders\": {}}", "is corrupt (wrong shape)" },
		{ "{\"knobs\": {}, \"pools\": [], \"holders\": {}, \"mounts\": []}", "is corrupt (wrong shape)" },
		{ "{\"knobs\": {}, \"knobs\": {}, \"holders\": {}, \"mounts\": []}", "is corrupt (duplicate object key" },
		{ "{\"knobs\": {", "is corrupt (" },
	};
	struct err err = ERR_INIT;
	struct host_state st;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		put(bad[i][0]);
		err_reset(&err);
		assert_int_equal(host_state_load(path, &st, &err), -1);
		if (!strstr(err.msg.buf, bad[i][1]) || strncmp(err.msg.buf, "host state file '", 17) ||
		    !strstr(err_text(&err), "\nhint: check the host by hand"))
			fail_msg("case %zu: %s", i, err.msg.buf);
		/* nothing half read */
		assert_int_equal(st.nr_holders + st.knobs.nr + st.pools.nr + st.mounts.nr, 0);
		assert_null(st.holders);
		assert_int_equal(st.shield.backend, SHIELD_NONE);
	}
	/* a file others may write, or a link, is not mvlaunch's */
	put("{\"knobs\": {}, \"holders\": {}, \"mounts\": []}");
	chmod(path, 0620);
	err_reset(&err);
	assert_int_equal(host_state_load(path, &st, &err), -1);
	assert_non_null(strstr(err.msg.buf, "is not a private file of this user (mode 0620"));
	unlink(path);
	assert_int_equal(symlink("/etc/hostname", path), 0);
	err_reset(&err);
	assert_int_equal(host_state_load(path, &st, &err), -1);
	assert_non_null(strstr(err.msg.buf, "is not a private file of this user"));
	err_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_state_knob),
		cmocka_unit_test(test_host_state_maps),
		cmocka_unit_test_setup_teardown(test_host_state_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_state_vfio, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_state_grants, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_state_may_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_state_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_state_refused, setup, teardown),
	};

	return cmocka_run_group_tests_name("test_host_state", tests, NULL, NULL);
}
