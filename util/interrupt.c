/*
 * interrupt.c - pending-signal checks for commands that unwind (see interrupt.h).
 */
#include <errno.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "util/interrupt.h"
#include "util/banned.h"

static int sfd = -1;
static sigset_t saved;

static void the_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
}

int interrupt_arm(void)
{
	sigset_t set;

	if (sfd >= 0)
		return 0;
	the_signals(&set);
	if (sigprocmask(SIG_BLOCK, &set, &saved) < 0)
		return -1;
	sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		int e = errno;

		sigprocmask(SIG_SETMASK, &saved, NULL);
		errno = e;
		return -1;
	}
	return 0;
}

void interrupt_disarm(void)
{
	if (sfd < 0)
		return;
	close(sfd);
	sfd = -1;
	sigprocmask(SIG_SETMASK, &saved, NULL);
}

int interrupt_fd(void)
{
	return sfd;
}

int interrupt_pending(void)
{
	static const int order[] = { SIGINT, SIGTERM, SIGHUP };
	sigset_t pending;

	if (sfd < 0 || sigpending(&pending) < 0)
		return 0;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (sigismember(&pending, order[i]) == 1)
			return order[i];
	return 0;
}

const char *interrupt_name(int sig)
{
	return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : sig == SIGHUP ? "SIGHUP" : "a signal";
}

int interrupt_take(void)
{
	struct timespec zero = { 0, 0 };
	sigset_t set;
	int sig;

	if (sfd < 0)
		return 0;
	the_signals(&set);
	sig = sigtimedwait(&set, NULL, &zero);
	return sig > 0 ? sig : 0;
}
