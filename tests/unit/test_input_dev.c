/*
 * test_input_dev.c - unit tests for launcher/host/input_dev.c: the sysfs
 * capability bitmap (hex longs, most significant first), keyboards and mice
 * told by their capabilities, and the /dev/input/by-id scan on a fake tree.
 */
#include "tests/unit/unit.h"
#include "launcher/host/input_dev.h"

/* A real USB keyboard's and mouse's capabilities (64-bit host) */
#define KBD_EV "120013"
#define KBD_KEY "1000000000007 ff9f207ac14057ff febeffdfffefffff fffffffffffffffe"
#define MOUSE_EV "17"
#define MOUSE_KEY "1f0000 0 0 0 0"
#define MOUSE_REL "143"

static void test_input_dev_caps_parse(void **state)
{
	unsigned long w[INPUT_CAPS_WORDS];
	struct strbuf err = STRBUF_INIT;

	(void)state;
	assert_int_equal(input_caps_parse(KBD_KEY "\n", w, INPUT_CAPS_WORDS, &err), 0);
	assert_true(w[0] == 0xfffffffffffffffeUL && w[1] == 0xfebeffdfffefffffUL && w[3] == 0x1000000000007UL);
	assert_int_equal(w[4], 0);
	assert_int_equal(input_caps_test(w, 0), 0);	/* KEY_RESERVED */
	assert_int_equal(input_caps_test(w, 1), 1);	/* KEY_ESC */
	assert_int_equal(input_caps_test(w, 30), 1);	/* KEY_A */
	assert_int_equal(input_caps_test(w, 192 + 48), 1);	/* the top word's bit 48 */
	assert_int_equal(input_caps_test(w, 192 + 47), 0);
	assert_int_equal(input_caps_test(w, 100000), 0);	/* past the bitmap */
	assert_int_equal(input_caps_parse(MOUSE_KEY, w, INPUT_CAPS_WORDS, &err), 0);
	assert_int_equal(input_caps_test(w, 0x110), 1);	/* BTN_LEFT: word 4, bit 16 */
	assert_int_equal(input_caps_test(w, 0x10f), 0);
	assert_int_equal(input_caps_parse("", w, INPUT_CAPS_WORDS, &err), 0);
	assert_int_equal(input_caps_test(w, 0), 0);
	assert_int_equal(input_caps_parse("12 xyz", w, INPUT_CAPS_WORDS, &err), -1);
	assert_string_equal(err.buf, "capabilities '12 xyz': not space-separated hex words");
	strbuf_reset(&err);
	assert_int_equal(input_caps_parse("1 2 3", w, 2, &err), -1);
	assert_string_equal(err.buf, "capabilities '1 2 3': more than 2 words");
	strbuf_reset(&err);
	assert_int_equal(input_caps_parse("1ffffffffffffffff", w, 2, &err), -1);	/* wider than a long */
	strbuf_release(&err);
}

static void test_input_dev_kind(void **state)
{
	(void)state;
	assert_int_equal(input_caps_kind(KBD_EV, KBD_KEY, "0"), INPUT_KEYBOARD);
	assert_int_equal(input_caps_kind(MOUSE_EV, MOUSE_KEY, MOUSE_REL), INPUT_MOUSE);
	/* a receiver that is both */
	assert_int_equal(input_caps_kind("17", "1f0000 0 0 0 " "fffffffffffffffe", MOUSE_REL), INPUT_KEYBOARD | INPUT_MOUSE);
	/* a power button: EV_KEY, but no letters; a touchpad's REL without BTN_LEFT is no mouse either */
	assert_int_equal(input_caps_kind("3", "10000000000000 0", "0"), 0);
	assert_int_equal(input_caps_kind(MOUSE_EV, "0", MOUSE_REL), 0);
	/* letters but no EV_KEY bit, or garbage */
	assert_int_equal(input_caps_kind("4", KBD_KEY, ""), 0);
	assert_int_equal(input_caps_kind("zz", KBD_KEY, ""), 0);
	assert_string_equal(input_kind_name(INPUT_KEYBOARD), "keyboard");
	assert_string_equal(input_kind_name(INPUT_MOUSE | INPUT_KEYBOARD), "keyboard+mouse");
	assert_string_equal(input_kind_name(0), "other");
}

static void put_event(const char *root, const char *event, const char *name, const char *ev, const char *key,
		      const char *rel)
{
	char p[256];

	snprintf(p, sizeof(p), "/sys/class/input/%s/device/name", event);
	tree_put(root, p, name);
	snprintf(p, sizeof(p), "/sys/class/input/%s/device/capabilities/ev", event);
	tree_put(root, p, ev);
	snprintf(p, sizeof(p), "/sys/class/input/%s/device/capabilities/key", event);
	tree_put(root, p, key);
	if (rel) {
		snprintf(p, sizeof(p), "/sys/class/input/%s/device/capabilities/rel", event);
		tree_put(root, p, rel);
	}
}

static void put_link(const char *root, const char *name, const char *target)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/dev/input/by-id/%s", root, name);
	assert_int_equal(symlink(target, p), 0);
}

static void test_input_dev_scan(void **state)
{
	struct input_devs devs = INPUT_DEVS_INIT;
	struct strbuf err = STRBUF_INIT;
	char root[64];

	(void)state;
	tree_make(root, "mvl-input");
	/* no /dev/input/by-id: no devices, no error */
	assert_int_equal(input_devs_scan(&devs, &err), 0);
	assert_int_equal(devs.nr, 0);
	put_event(root, "event3", "Logitech USB Keyboard\n", KBD_EV "\n", KBD_KEY "\n", "0\n");
	put_event(root, "event4", "Logitech USB Optical Mouse\n", MOUSE_EV "\n", MOUSE_KEY "\n", MOUSE_REL "\n");
	put_event(root, "event5", "Power Button\n", "3\n", "10000000000000 0\n", NULL);
	tree_put(root, "/dev/input/by-id/.keep", "");
	put_link(root, "usb-Logitech_Mouse-event-mouse", "../event4");
	put_link(root, "usb-Logitech_Mouse-mouse", "../mouse0");	/* the legacy mousedev node */
	put_link(root, "usb-Logitech_Keyboard-event-kbd", "../event3");
	put_link(root, "platform-power-event", "../event5");
	put_link(root, "usb-Gone-event-kbd", "../event9");	/* no sysfs: not a keyboard */
	assert_int_equal(input_devs_scan(&devs, &err), 0);
	assert_string_equal(err.buf, "");
	assert_int_equal(devs.nr, 2);
	assert_string_equal(devs.v[0].path, "/dev/input/by-id/usb-Logitech_Keyboard-event-kbd");
	assert_string_equal(devs.v[0].event, "event3");
	assert_string_equal(devs.v[0].name, "Logitech USB Keyboard");
	assert_int_equal(devs.v[0].kind, INPUT_KEYBOARD);
	assert_string_equal(devs.v[1].path, "/dev/input/by-id/usb-Logitech_Mouse-event-mouse");
	assert_string_equal(devs.v[1].event, "event4");
	assert_int_equal(devs.v[1].kind, INPUT_MOUSE);
	input_devs_release(&devs);
	input_devs_release(&devs);	/* twice is fine */
	tree_remove(root);
	unsetenv("MVLAUNCH_SYSROOT");
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_input_dev_caps_parse),
		cmocka_unit_test(test_input_dev_kind),
		cmocka_unit_test(test_input_dev_scan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
