/*
 * notify.h - tell systemd how 'run' is doing (sd_notify), when it listens.
 *
 * libsystemd's sd_notify() does the work, but libsystemd and the libraries
 * it links (libgcrypt, liblzma, libzstd, ...) cost every mvlaunch command
 * about 0.6 ms to load, for a call only 'run' makes and only under a
 * service manager. So it is loaded with dlopen, once, and only when
 * $NOTIFY_SOCKET is set.
 */
#ifndef MVL_NOTIFY_H
#define MVL_NOTIFY_H

/* sd_notify(0, text) with printf formatting; 0 (also when nobody listens) or -1. */
int notify_service(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
