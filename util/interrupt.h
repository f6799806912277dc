/*
 * interrupt.h - Ctrl-C, SIGTERM and SIGHUP as events a command can check.
 *
 * A command that must undo what it did when interrupted (up: QEMU started,
 * hugepages taken, knobs set) arms this: the three signals are blocked, so
 * they stay pending instead of killing the process half-way, and the places
 * that wait (QMP replies, the runtime root's lock) also watch a signalfd, so
 * they return at once. The command then checks interrupt_pending() between
 * steps, unwinds like any failure, and exits 128 + the signal number.
 */
#ifndef MVL_INTERRUPT_H
#define MVL_INTERRUPT_H

/* Block SIGINT, SIGTERM, SIGHUP and open the signalfd. 0, or -1 (errno). */
int interrupt_arm(void);
/* Put the signal mask back as interrupt_arm() found it and close the fd. */
void interrupt_disarm(void);
/* The signalfd to poll for POLLIN while waiting, or -1 when not armed. */
int interrupt_fd(void);
/* The number of a pending SIGINT, SIGTERM or SIGHUP (not taken), or 0. */
int interrupt_pending(void);
/* "SIGINT", "SIGTERM", "SIGHUP", or "a signal". */
const char *interrupt_name(int sig);
/* Take a pending one off (so disarming does not deliver it); its number or 0. */
int interrupt_take(void);

#endif
