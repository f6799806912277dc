/*
 * notify.c - sd_notify through a lazily loaded libsystemd (see notify.h).
 */
#include <stdarg.h>
#include <stdlib.h>

#include "launcher/vm/notify.h"
#include "util/dl.h"
#include "util/strbuf.h"
#include "util/banned.h"

int notify_service(const char *fmt, ...)
{
	static int (*sd_notify_fn)(int unset_environment, const char *state);
	static int tried;
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	int r;

	if (!getenv("NOTIFY_SOCKET"))
		return 0;
	if (!tried) {
		static const char *const names[] = { "sd_notify" };
		void **const slots[] = { (void **)&sd_notify_fn };
		struct strbuf ignore = STRBUF_INIT;

		tried = 1;
		dl_symbols("libsystemd.so.0", "tell systemd", names, slots, 1, &ignore);	/* none: nothing to tell */
		strbuf_release(&ignore);
	}
	if (!sd_notify_fn)
		return -1;
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	r = sd_notify_fn(0, sb.buf);
	strbuf_release(&sb);
	return r < 0 ? -1 : 0;
}
