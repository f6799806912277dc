/*
 * test_vm_display.c - unit tests for launcher/vm/vm_display.c: the display
 * QEMU reports (query-vnc / query-spice, read by qmp_display_from_json())
 * and the exact command lines 'mvlaunch display' prints for it.
 */
#include <jansson.h>

#include "tests/unit/unit.h"
#include "launcher/vm/vm_display.h"

static void parse(const char *vnc, const char *spice, struct qmp_display *d, int want_found)
{
	json_t *v = json_loads(vnc, 0, NULL), *s = spice ? json_loads(spice, 0, NULL) : NULL;
	struct strbuf err = STRBUF_INIT;
	int found;

	assert_int_equal(qmp_display_from_json(v, s, d, &found, &err), 0);
	assert_int_equal(found, want_found);
	json_decref(v);
	json_decref(s);
	strbuf_release(&err);
}

static char *join(const struct strvec *sv)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < sv->nr; i++)
		strbuf_addf(&sb, "%s%s", i ? " | " : "", sv->v[i]);
	return strbuf_detach(&sb);
}

static void expect(const struct qmp_display *d, const char *uri, const char *here, const char *remote)
{
	struct strvec h = STRVEC_INIT, r = STRVEC_INIT;
	char *u = vm_display_uri(d), *hj, *rj;

	vm_display_commands(d, &h, &r);
	hj = join(&h);
	rj = join(&r);
	assert_string_equal(u, uri);
	assert_string_equal(hj, here);
	assert_string_equal(rj, remote);
	free(u);
	free(hj);
	free(rj);
	strvec_clear(&h);
	strvec_clear(&r);
}

static void test_vm_display_vnc(void **state)
{
	struct qmp_display d;

	(void)state;
	parse("{\"enabled\":true,\"auth\":\"none\",\"family\":\"unix\",\"clients\":[{}],\"service\":\"/run/mvlaunch/w/vnc.sock\",\"host\":\"\"}",
	      NULL, &d, 1);
	assert_int_equal(d.spice, 0);
	assert_int_equal(d.port, 0);
	assert_int_equal(d.clients, 1);
	expect(&d, "vnc+unix:///run/mvlaunch/w/vnc.sock",
	       "vncviewer /run/mvlaunch/w/vnc.sock | remote-viewer vnc+unix:///run/mvlaunch/w/vnc.sock",
	       "ssh -N -L 5901:/run/mvlaunch/w/vnc.sock root@THIS-HOST | vncviewer localhost::5901 | "
	       "remote-viewer vnc://localhost:5901");
	qmp_display_release(&d);
	/* TCP on loopback: HOST::PORT for vncviewer, a tunnel for others */
	parse("{\"enabled\":true,\"auth\":\"vnc\",\"family\":\"ipv4\",\"clients\":[],\"service\":\"5901\",\"host\":\"127.0.0.1\"}",
	      NULL, &d, 1);
	assert_string_equal(d.auth, "vnc");
	expect(&d, "vnc://127.0.0.1:5901", "vncviewer 127.0.0.1::5901 | remote-viewer vnc://127.0.0.1:5901",
	       "ssh -N -L 5901:127.0.0.1:5901 root@THIS-HOST | vncviewer localhost::5901 | remote-viewer vnc://localhost:5901");
	qmp_display_release(&d);
	/* on the network: reached directly */
	parse("{\"enabled\":true,\"auth\":\"vnc\",\"family\":\"ipv6\",\"clients\":[],\"service\":\"5902\",\"host\":\"fd00::5\"}",
	      NULL, &d, 1);
	expect(&d, "vnc://[fd00::5]:5902", "vncviewer [fd00::5]::5902 | remote-viewer vnc://[fd00::5]:5902",
	       "remote-viewer vnc://[fd00::5]:5902");
	qmp_display_release(&d);
}

static void test_vm_display_spice(void **state)
{
	struct qmp_display d;
	struct strbuf err = STRBUF_INIT;
	json_t *v, *s;
	int found;

	(void)state;
	parse("{\"enabled\":false}", "{\"enabled\":true,\"auth\":\"none\",\"host\":\"/run/mvlaunch/w/spice.sock\"}", &d, 1);
	assert_int_equal(d.spice, 1);
	assert_int_equal(d.clients, -1);
	expect(&d, "spice+unix:///run/mvlaunch/w/spice.sock", "remote-viewer spice+unix:///run/mvlaunch/w/spice.sock",
	       "ssh -N -L 5930:/run/mvlaunch/w/spice.sock root@THIS-HOST | remote-viewer spice://localhost:5930");
	qmp_display_release(&d);
	parse("{\"enabled\":false}", "{\"enabled\":true,\"auth\":\"spice\",\"host\":\"0.0.0.0\",\"port\":5930}", &d, 1);
	expect(&d, "spice://0.0.0.0:5930", "remote-viewer spice://0.0.0.0:5930", "remote-viewer spice://0.0.0.0:5930");
	qmp_display_release(&d);
	/* none; a QEMU without SPICE answers no query-spice */
	parse("{\"enabled\":false}", "{\"enabled\":false,\"migrated\":false}", &d, 0);
	parse("{\"enabled\":false}", NULL, &d, 0);
	/* replies that do not add up */
	v = json_loads("{\"enabled\":true,\"family\":\"ipv4\",\"host\":\"1.2.3.4\",\"service\":\"x\",\"auth\":\"none\"}", 0, NULL);
	assert_int_equal(qmp_display_from_json(v, NULL, &d, &found, &err), -1);
	assert_string_equal(err.buf, "QMP 'query-vnc': an enabled server without family, host, service or auth");
	json_decref(v);
	strbuf_reset(&err);
	v = json_loads("{\"enabled\":false}", 0, NULL);
	s = json_loads("{\"enabled\":true,\"host\":\"h\",\"auth\":\"none\",\"port\":70000}", 0, NULL);
	assert_int_equal(qmp_display_from_json(v, s, &d, &found, &err), -1);
	assert_string_equal(err.buf, "QMP 'query-spice': an enabled server without host or auth, or with a bad port");
	json_decref(v);
	json_decref(s);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vm_display_vnc),
		cmocka_unit_test(test_vm_display_spice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
