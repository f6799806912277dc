/*
 * vm_uuid.c - the UUID kept per VM (see vm_uuid.h).
 *
 * A new UUID is not random: it is a version 8 UUID (RFC 9562, "custom")
 * from two FNV-1a hashes of the host's machine id and the VM name. So
 * 'mvlaunch argv' before the first 'up' prints the UUID that 'up' then
 * keeps, and the two command lines stay equal. Once kept, the file wins:
 * a new machine id (a reinstalled host) does not change a VM's UUID.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "launcher/vm/vm_uuid.h"
#include "launcher/vm/paths.h"
#include "launcher/host/sysfs.h"
#include "config/vm_config.h"
#include "util/atomic_file.h"
#include "util/strbuf.h"
#include "util/wrapper.h"
#include "util/banned.h"

static uint64_t fnv1a(uint64_t h, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * UINT64_C(1099511628211);
	return h;
}

static char *uuid_path(const char *name)
{
	return xstrfmt("%s/%s/uuid", paths_state_root(), name);
}

static char *uuid_made(const char *name)
{
	struct strbuf id = STRBUF_INIT, in = STRBUF_INIT;
	unsigned char b[16];
	uint64_t h1, h2;

	/* no machine id (a container): the name alone, still stable */
	if (sysfs_read("/etc/machine-id", &id, NULL) < 0)
		strbuf_reset(&id);
	strbuf_addf(&in, "mvlaunch-uuid:%s:%s", id.buf, name);
	h1 = fnv1a(UINT64_C(14695981039346656037), in.buf, in.len);
	h2 = fnv1a(h1 ^ UINT64_C(0x9e3779b97f4a7c15), in.buf, in.len);
	for (int i = 0; i < 8; i++) {
		b[i] = (unsigned char)(h1 >> (56 - 8 * i));
		b[8 + i] = (unsigned char)(h2 >> (56 - 8 * i));
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x80);	/* version 8 */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);	/* the RFC variant */
	strbuf_release(&id);
	strbuf_release(&in);
	return xstrfmt("%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1], b[2], b[3],
		       b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

int vm_uuid_get(const char *name, char **uuid, int *kept, struct err *err)
{
	char *path = uuid_path(name);
	struct strbuf sb = STRBUF_INIT, why = STRBUF_INIT;
	int ret = 0;

	*uuid = NULL;
	*kept = 0;
	if (strbuf_read_file(&sb, path, 64, 0) < 0) {
		if (errno != ENOENT) {
			strbuf_addf(&err->msg, "cannot read the VM's UUID '%s': %s", path, strerror(errno));
			ret = -1;
		} else {
			*uuid = uuid_made(name);
		}
		goto out;
	}
	while (sb.len && (sb.buf[sb.len - 1] == '\n' || sb.buf[sb.len - 1] == ' '))
		strbuf_setlen(&sb, sb.len - 1);
	if (vm_uuid_check(sb.buf, &why) < 0) {
		strbuf_addf(&err->msg, "'%s' does not hold a UUID: %s", path, why.buf);
		err_hintf(err, "write the VM's UUID into it (Windows may ask for activation again if it changes), "
			  "or set smbios.uuid in the config");
		ret = -1;
		goto out;
	}
	*uuid = strbuf_detach(&sb);
	*kept = 1;
out:
	strbuf_release(&sb);
	strbuf_release(&why);
	free(path);
	return ret;
}

int vm_uuid_keep(const char *name, const char *uuid, struct err *err)
{
	char *dir = paths_vm_state_dir(name, err), *path, *line;
	int ret;

	if (!dir)
		return -1;
	path = uuid_path(name);
	line = xstrfmt("%s\n", uuid);
	ret = atomic_write_file(path, line, strlen(line), ATOMIC_FSYNC, &err->msg);
	free(line);
	free(path);
	free(dir);
	return ret;
}

void vm_uuid_forget(const char *name)
{
	char *path = uuid_path(name);

	unlink(path);
	free(path);
}
