/*
 * input_dev.c - keyboards and mice from sysfs capabilities (see input_dev.h).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <linux/input-event-codes.h>
#include <stdlib.h>
#include <string.h>

#include "launcher/host/input_dev.h"
#include "launcher/host/sysfs.h"
#include "util/wrapper.h"
#include "util/banned.h"

#define LONG_BITS (sizeof(unsigned long) * CHAR_BIT)

int input_caps_parse(const char *text, unsigned long *words, size_t max, struct strbuf *err)
{
	const char *p = text;
	size_t n = 0;

	memset(words, 0, max * sizeof(*words));
	/* most significant first: collect in order, then reverse */
	while (*p) {
		char *end;
		unsigned long w;

		while (*p == ' ')
			p++;
		if (!*p || *p == '\n')
			break;
		if (n == max) {
			strbuf_addf(err, "capabilities '%s': more than %zu words", text, max);
			return -1;
		}
		errno = 0;
		w = strtoul(p, &end, 16);
		if (end == p || errno || (*end && *end != ' ' && *end != '\n') || *p == '-' || *p == '+') {
			strbuf_addf(err, "capabilities '%s': not space-separated hex words", text);
			return -1;
		}
		words[n++] = w;
		p = end;
	}
	for (size_t i = 0; i < n / 2; i++) {
		unsigned long t = words[i];

		words[i] = words[n - 1 - i];
		words[n - 1 - i] = t;
	}
	return 0;
}

int input_caps_test(const unsigned long *words, unsigned bit)
{
	if (bit / LONG_BITS >= INPUT_CAPS_WORDS)
		return 0;
	return (words[bit / LONG_BITS] >> (bit % LONG_BITS)) & 1;
}

unsigned input_caps_kind(const char *ev, const char *key, const char *rel)
{
	static const unsigned letters[] = {
		KEY_A, KEY_B, KEY_C, KEY_D, KEY_E, KEY_F, KEY_G, KEY_H, KEY_I, KEY_J, KEY_K, KEY_L, KEY_M,
		KEY_N, KEY_O, KEY_P, KEY_Q, KEY_R, KEY_S, KEY_T, KEY_U, KEY_V, KEY_W, KEY_X, KEY_Y, KEY_Z,
	};
	unsigned long e[INPUT_CAPS_WORDS], k[INPUT_CAPS_WORDS], r[INPUT_CAPS_WORDS];
	struct strbuf why = STRBUF_INIT;
	unsigned kind = 0;
	int ok = input_caps_parse(ev, e, INPUT_CAPS_WORDS, &why) == 0 &&
		 input_caps_parse(key, k, INPUT_CAPS_WORDS, &why) == 0 &&
		 input_caps_parse(rel, r, INPUT_CAPS_WORDS, &why) == 0;

	strbuf_release(&why);
	if (!ok)
		return 0;
	if (input_caps_test(e, EV_KEY)) {
		kind = INPUT_KEYBOARD;
		for (size_t i = 0; i < ARRAY_SIZE(letters); i++)
			if (!input_caps_test(k, letters[i]))
				kind = 0;
	}
	if (input_caps_test(e, EV_REL) && input_caps_test(r, REL_X) && input_caps_test(r, REL_Y) &&
	    input_caps_test(k, BTN_LEFT))
		kind |= INPUT_MOUSE;
	return kind;
}

const char *input_kind_name(unsigned kind)
{
	switch (kind) {
	case INPUT_KEYBOARD:
		return "keyboard";
	case INPUT_MOUSE:
		return "mouse";
	case INPUT_KEYBOARD | INPUT_MOUSE:
		return "keyboard+mouse";
	default:
		return "other";
	}
}

/* The kind of /sys/class/input/EVENT: its capability files (a missing one counts as empty). */
static unsigned event_kind(const char *event)
{
	static const char *const files[] = { "ev", "key", "rel" };
	struct strbuf v[3] = { STRBUF_INIT, STRBUF_INIT, STRBUF_INIT };
	unsigned kind;

	for (size_t i = 0; i < 3; i++) {
		char *p = xstrfmt("/sys/class/input/%s/device/capabilities/%s", event, files[i]);

		if (sysfs_read(p, &v[i], NULL) < 0)
			strbuf_reset(&v[i]);
		free(p);
	}
	kind = input_caps_kind(v[0].buf, v[1].buf, v[2].buf);
	for (size_t i = 0; i < 3; i++)
		strbuf_release(&v[i]);
	return kind;
}

static int by_path(const void *a, const void *b)
{
	return strcmp(((const struct input_dev *)a)->path, ((const struct input_dev *)b)->path);
}

int input_devs_scan(struct input_devs *devs, struct strbuf *err)
{
	char *dir = sysfs_path("/dev/input/by-id");
	DIR *d = opendir(dir);
	struct dirent *de;
	int ret = 0;

	if (!d && errno != ENOENT) {
		strbuf_addf(err, "cannot read '/dev/input/by-id': %s", strerror(errno));
		ret = -1;
	}
	while (d && (de = readdir(d))) {
		char *link = xstrfmt("/dev/input/by-id/%s", de->d_name);
		char *event = sysfs_link_name(link);
		struct strbuf name = STRBUF_INIT;
		char *p;
		unsigned kind;

		if (!event || strncmp(event, "event", 5) || !(kind = event_kind(event))) {
			free(event);	/* a joystick's jsN or mouseN link, or neither a keyboard nor a mouse */
			free(link);
			continue;
		}
		ALLOC_GROW(devs->v, devs->nr + 1, devs->alloc);
		devs->v[devs->nr].path = link;
		devs->v[devs->nr].event = event;
		devs->v[devs->nr].kind = kind;
		p = xstrfmt("/sys/class/input/%s/device/name", event);
		if (sysfs_read(p, &name, NULL) < 0)
			strbuf_reset(&name);
		devs->v[devs->nr++].name = strbuf_detach(&name);
		free(p);
	}
	if (d)
		closedir(d);
	free(dir);
	if (devs->nr)
		qsort(devs->v, devs->nr, sizeof(*devs->v), by_path);
	return ret;
}

void input_devs_release(struct input_devs *devs)
{
	for (size_t i = 0; i < devs->nr; i++) {
		free(devs->v[i].path);
		free(devs->v[i].event);
		free(devs->v[i].name);
	}
	free(devs->v);
	devs->v = NULL;
	devs->nr = devs->alloc = 0;
}
