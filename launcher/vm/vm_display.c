/*
 * vm_display.c - the remote screen of a running VM (see vm_display.h).
 *
 * What 'mvlaunch display' prints comes from QEMU's own query-vnc and
 * query-spice, not from the config (which may have changed since 'up'):
 * the socket or address QEMU listens on is the one to connect to.
 */
#include <stdlib.h>
#include <string.h>

#include "launcher/vm/vm_display.h"
#include "util/wrapper.h"
#include "util/banned.h"

/* The port a local SSH tunnel forwards: the display's own, or 5900 + 1 for VNC, 5930 for SPICE. */
static unsigned tunnel_port(const struct qmp_display *d)
{
	if (d->port)
		return (unsigned)d->port;
	return d->spice ? 5930 : 5901;
}

int vm_display_start(struct qmp *q, const struct vm_config *cfg, struct err *err)
{
	const struct vm_display *d = &cfg->display;

	if (d->type == DISPLAY_NONE || !d->password)
		return 0;
	if (qmp_set_password(q, d->type == DISPLAY_VNC ? "vnc" : "spice", d->password, &err->msg) < 0) {
		err_hintf(err, "the display would take no client without it; see QEMU's log");
		return -1;
	}
	return 0;
}

/* "127.0.0.1:5901", "[::1]:5901"; sep "::" for vncviewer's HOST::PORT */
static char *host_port_sep(const struct qmp_display *d, const char *sep)
{
	return xstrfmt(strchr(d->host, ':') ? "[%s]%s%d" : "%s%s%d", d->host, sep, d->port);
}

static char *host_port(const struct qmp_display *d)
{
	return host_port_sep(d, ":");
}

char *vm_display_uri(const struct qmp_display *d)
{
	const char *scheme = d->spice ? "spice" : "vnc";
	char *hp, *uri;

	if (!d->port)
		return xstrfmt("%s+unix://%s", scheme, d->host);
	hp = host_port(d);
	uri = xstrfmt("%s://%s", scheme, hp);
	free(hp);
	return uri;
}

void vm_display_commands(const struct qmp_display *d, struct strvec *here, struct strvec *remote)
{
	char *uri = vm_display_uri(d), *hp = d->port ? host_port(d) : NULL;
	unsigned lport = tunnel_port(d);
	int loopback = d->port && (!strncmp(d->host, "127.", 4) || !strcmp(d->host, "::1"));

	/* TigerVNC's vncviewer: HOST::PORT is a port (HOST:N would be display N, port 5900 + N) */
	if (!d->spice && d->port) {
		char *v = host_port_sep(d, "::");

		strvec_pushf(here, "vncviewer %s", v);
		free(v);
	}
	else if (!d->spice)
		strvec_pushf(here, "vncviewer %s", d->host);
	strvec_pushf(here, "remote-viewer %s", uri);
	if (!d->port || loopback) {
		/* only this host can reach it: a tunnel brings it to another machine */
		strvec_pushf(remote, "ssh -N -L %u:%s root@THIS-HOST", lport, d->port ? hp : d->host);
		if (!d->spice)
			strvec_pushf(remote, "vncviewer localhost::%u", lport);
		strvec_pushf(remote, "remote-viewer %s://localhost:%u", d->spice ? "spice" : "vnc", lport);
	} else {
		strvec_pushf(remote, "remote-viewer %s", uri);
	}
	free(hp);
	free(uri);
}
