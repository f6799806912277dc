/*
 * vm_uuid.h - a VM's system UUID when its config gives none (smbios.uuid):
 * made once, kept in STATE/NAME/uuid, the same on every start, so Windows
 * activation and licences bound to the machine keep seeing the same one.
 */
#ifndef MVL_VM_UUID_H
#define MVL_VM_UUID_H

#include "util/err.h"

/*
 * NAME's UUID: the one kept in STATE/NAME/uuid, else (*kept = 0) the one
 * vm_uuid_keep() will keep, made from the host's /etc/machine-id and the
 * name, so 'argv' shows the UUID the first 'up' then keeps. *uuid is
 * allocated. 0, or -1 with the reason (a kept file that is not a UUID) in err.
 */
int vm_uuid_get(const char *name, char **uuid, int *kept, struct err *err);

/* Write uuid to STATE/NAME/uuid (atomically, synced). 0, or -1 with err. */
int vm_uuid_keep(const char *name, const char *uuid, struct err *err);

/* Remove STATE/NAME/uuid (a failed first 'up' leaves nothing behind). */
void vm_uuid_forget(const char *name);

#endif
