/*
 * input_dev.h - the host's keyboards and mice, as evdev devices
 * ([[input]] evdev, 'mvlaunch input list').
 *
 * A device is told by its capabilities, never its name: a keyboard reports
 * EV_KEY with the letter keys KEY_A..KEY_Z, a mouse EV_REL with REL_X,
 * REL_Y and BTN_LEFT. They are read from
 * /sys/class/input/eventN/device/capabilities/{ev,key,rel}, and the devices
 * found through the /dev/input/by-id links (stable names across reboots),
 * all through sysfs_path(), so tests use a fake tree ($MVLAUNCH_SYSROOT).
 */
#ifndef MVL_INPUT_DEV_H
#define MVL_INPUT_DEV_H

#include <stddef.h>

#include "util/strbuf.h"

enum input_kind { INPUT_KEYBOARD = (1 << 0), INPUT_MOUSE = (1 << 1) };

struct input_dev {
	char *path;		/* "/dev/input/by-id/usb-X-event-kbd" (without the sysroot) */
	char *event;		/* "event3" */
	char *name;		/* the kernel's device name, "" when unreadable */
	unsigned kind;		/* enum input_kind bits */
};

struct input_devs {
	struct input_dev *v;
	size_t nr, alloc;
};

#define INPUT_DEVS_INIT { NULL, 0, 0 }

/* A capabilities bitmap with room for KEY_MAX: (0x2ff + 1) / 64 longs on 64-bit hosts. */
#define INPUT_CAPS_WORDS 16

/*
 * Parse a sysfs capabilities bitmap: hex words of the kernel's 'long',
 * separated by spaces, the most significant first ("1000000000007 ff9f...
 * fffffffffffffffe"). words[0] gets the least significant. 0, or -1 with
 * the reason in err (not hex, a word wider than a long, more than max words).
 */
int input_caps_parse(const char *text, unsigned long *words, size_t max, struct strbuf *err);
/* Whether bit 'bit' is set in a parsed bitmap of INPUT_CAPS_WORDS words. */
int input_caps_test(const unsigned long *words, unsigned bit);
/* enum input_kind bits from the texts of the ev, key and rel files (a file unreadable: ""). */
unsigned input_caps_kind(const char *ev, const char *key, const char *rel);
/* "keyboard", "mouse", "keyboard+mouse" or "other". */
const char *input_kind_name(unsigned kind);

/*
 * Every /dev/input/by-id link to an eventN that is a keyboard or a mouse,
 * sorted by path. No such directory is no devices. 0, or -1 with the
 * reason in err; devs is released by input_devs_release() either way.
 */
int input_devs_scan(struct input_devs *devs, struct strbuf *err);
void input_devs_release(struct input_devs *devs);

#endif
