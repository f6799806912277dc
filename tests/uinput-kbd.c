/*
 * uinput-kbd.c - a virtual keyboard for the evdev e2e test (t3019).
 *
 * Creates a keyboard through /dev/uinput (EV_KEY with the letter keys and
 * both Ctrl keys, so 'input list' calls it a keyboard), prints its
 * /dev/input/eventN on stdout and stays until killed (SIGTERM or SIGINT
 * remove the device). Exit 1 with the reason on stderr if it cannot.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/uinput.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int main(void)
{
	struct uinput_setup us;
	char sysname[64], dir[128], event[300] = "";
	struct sigaction sa;
	DIR *d = NULL;
	struct dirent *de;
	int fd = open("/dev/uinput", O_WRONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "uinput-kbd: cannot open '/dev/uinput': %s\n", strerror(errno));
		return 1;
	}
	if (ioctl(fd, UI_SET_EVBIT, EV_KEY) < 0 || ioctl(fd, UI_SET_EVBIT, EV_SYN) < 0)
		goto fail;
	for (int k = KEY_ESC; k <= KEY_KPDOT; k++)	/* the letters, digits, both Ctrl keys */
		if (ioctl(fd, UI_SET_KEYBIT, k) < 0)
			goto fail;
	if (ioctl(fd, UI_SET_KEYBIT, KEY_RIGHTCTRL) < 0)
		goto fail;
	memset(&us, 0, sizeof(us));
	us.id.bustype = BUS_VIRTUAL;
	us.id.vendor = 0x6d76;	/* "mv" */
	us.id.product = 0x6b62;	/* "kb" */
	snprintf(us.name, UINPUT_MAX_NAME_SIZE, "mvlaunch test keyboard");
	if (ioctl(fd, UI_DEV_SETUP, &us) < 0 || ioctl(fd, UI_DEV_CREATE) < 0)
		goto fail;
	if (ioctl(fd, UI_GET_SYSNAME(sizeof(sysname)), sysname) < 0)
		goto fail;
	snprintf(dir, sizeof(dir), "/sys/devices/virtual/input/%s", sysname);
	/* the eventN node appears with the device; udev may take a moment to make /dev/input/eventN */
	for (int i = 0; i < 50 && !event[0]; i++) {
		d = opendir(dir);
		while (d && (de = readdir(d)))
			if (!strncmp(de->d_name, "event", 5))
				snprintf(event, sizeof(event), "/dev/input/%s", de->d_name);
		if (d)
			closedir(d);
		if (event[0] && access(event, F_OK) < 0)
			event[0] = '\0';
		if (!event[0])
			usleep(100000);
	}
	if (!event[0]) {
		fprintf(stderr, "uinput-kbd: no /dev/input/eventN for %s\n", dir);
		ioctl(fd, UI_DEV_DESTROY);
		return 1;
	}
	printf("%s\n", event);
	fflush(stdout);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	while (!stop)
		pause();
	ioctl(fd, UI_DEV_DESTROY);
	close(fd);
	return 0;
fail:
	fprintf(stderr, "uinput-kbd: uinput ioctl: %s\n", strerror(errno));
	close(fd);
	return 1;
}
