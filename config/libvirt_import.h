/*
 * libvirt_import.h - a libvirt domain (virsh dumpxml) as a mvlaunch config.
 *
 * libvirt_import() reads the domain with libxml2 and writes the TOML a user
 * would have written: the examples' section order, one key per setting, a
 * comment where a value needs one. Nothing is dropped silently: each element
 * and attribute the importer reads is marked, and whatever is left unmarked
 * at the end becomes a "not imported" line (XML line, what, why), unless
 * libvirt adds it to every domain (controllers, a PS/2 mouse, the balloon,
 * PCI addresses). Settings carried over with a change the guest notices (a
 * new chipset, a new NIC model) become notes. The result goes through
 * vm_config_parse() before it is returned, so what the importer writes is
 * a config mvlaunch accepts; a value mvlaunch refuses (out of range, two
 * settings that exclude each other) is an error at the XML line it came from.
 *
 * Pure: no file is opened (paths in the domain are taken as they are), no
 * process runs. The command that prints and writes is launcher/cmd/cmd_import.c.
 */
#ifndef MVL_LIBVIRT_IMPORT_H
#define MVL_LIBVIRT_IMPORT_H

#include <stddef.h>

#include "util/strbuf.h"
#include "util/strvec.h"

#define LIBVIRT_XML_MAX (4u << 20)

struct libvirt_import {
	/* in: libvirt's hook script on this host ("/etc/libvirt/hooks/qemu"), or NULL */
	const char *libvirt_hook;
	/* out: */
	char *name;		/* the VM's name: --name, else the domain's <name> */
	char *uuid;		/* the domain's <uuid>, or NULL */
	struct strbuf toml;	/* the config */
	struct strvec lost;	/* "LINE: <what>: reason", one per setting not imported */
	struct strvec notes;	/* "LINE: text": imported, but the guest or the user will notice */
};

#define LIBVIRT_IMPORT_INIT { .toml = STRBUF_INIT, .lost = STRVEC_INIT, .notes = STRVEC_INIT }

/*
 * Import the domain 'xml' (len bytes) read from 'file' (a name for
 * messages; "-" reads as "stdin"). 'name' (or NULL: the domain's) names the
 * VM. Returns 0 with out filled, or -1 with "FILE:LINE: reason" lines in err
 * (not XML, not a domain, not a kvm/qemu x86_64 domain, a value out of range).
 */
int libvirt_import(const char *file, const char *xml, size_t len, const char *name,
		   struct libvirt_import *out, struct strbuf *err);
void libvirt_import_release(struct libvirt_import *out);

#endif
