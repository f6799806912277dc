/*
 * test_toml.c - unit tests for config/toml.c: every construct of the subset,
 * and the exact message and position of every syntax error.
 */
#include "tests/unit/unit.h"
#include "config/toml.h"

static struct toml_node *parse_ok(const char *text)
{
	struct toml_node *root = NULL;
	struct strbuf err = STRBUF_INIT;

	if (toml_parse("t.toml", text, strlen(text), &root, &err) < 0) {
		print_error("unexpected error: %s\n", err.buf);
		fail();
	}
	strbuf_release(&err);
	return root;
}

static void expect_error(const char *text, const char *msg)
{
	struct toml_node *root = NULL;
	struct strbuf err = STRBUF_INIT;

	assert_int_equal(toml_parse("t.toml", text, strlen(text), &root, &err), -1);
	assert_null(root);
	assert_string_equal(err.buf, msg);
	strbuf_release(&err);
}

static struct toml_node *path(struct toml_node *t, const char *a, const char *b)
{
	struct toml_node *n = toml_get(t, a);

	return b ? toml_get(n, b) : n;
}

static void test_toml_tables_and_keys(void **state)
{
	struct toml_node *r = parse_ok(
		"# comment\n"
		"name = \"vm\" # trailing\n"
		"[cpu]\n"
		"vcpus = 8\n"
		"hyperv.relaxed = true\n"
		"\"quoted key\" = 'lit\\eral'\n"
		"[a.b]\n"
		"c = 0x10\n"
		"[[disk]]\n"
		"path = \"/x\"\n"
		"[[disk]]\n"
		"path = \"/y\"\n"
		"[disk.extra]\n"
		"k = 1\n");

	(void)state;
	assert_string_equal(path(r, "name", NULL)->str, "vm");
	assert_int_equal(path(r, "cpu", "vcpus")->num, 8);
	assert_int_equal(path(r, "cpu", "vcpus")->line, 4);
	assert_int_equal(toml_get(path(r, "cpu", "hyperv"), "relaxed")->type, TOML_BOOL);
	assert_string_equal(path(r, "cpu", "quoted key")->str, "lit\\eral");
	assert_int_equal(toml_get(path(r, "a", "b"), "c")->num, 16);
	toml_free(r);
}

static void test_toml_arrays_of_tables(void **state)
{
	struct toml_node *r = parse_ok("[[disk]]\npath = \"/x\"\n[[disk]]\npath = \"/y\"\n[disk.extra]\nk = 1\n");
	struct toml_node *d;

	(void)state;
	d = toml_get(r, "disk");
	assert_int_equal(d->type, TOML_ARRAY);
	assert_int_equal(d->nr, 2);
	assert_string_equal(toml_get(d->kids[1], "path")->str, "/y");
	assert_int_equal(toml_get(toml_get(d->kids[1], "extra"), "k")->num, 1);
	toml_free(r);
}

static void test_toml_values(void **state)
{
	struct toml_node *r = parse_ok(
		"i = 1_000\nh = 0xff\no = 0o17\nb = 0b101\nn = -42\np = +7\n"
		"s = \"tab\\there \\u00e9 \\U0001F600 \\\"q\\\"\"\n"
		"m = \"\"\"\nline1\nline2 \\\n   joined\"\"\"\n"
		"l = '''\nraw \\n'''\n"
		"a = [ 1, 2,\n  3, # c\n]\n"
		"e = []\n"
		"t = { x = 1, y.z = \"w\" }\n"
		"f = false\n");

	(void)state;
	assert_int_equal(toml_get(r, "i")->num, 1000);
	assert_int_equal(toml_get(r, "h")->num, 255);
	assert_int_equal(toml_get(r, "o")->num, 15);
	assert_int_equal(toml_get(r, "b")->num, 5);
	assert_int_equal(toml_get(r, "n")->num, -42);
	assert_int_equal(toml_get(r, "p")->num, 7);
	assert_string_equal(toml_get(r, "s")->str, "tab\there \xc3\xa9 \xf0\x9f\x98\x80 \"q\"");
	assert_string_equal(toml_get(r, "m")->str, "line1\nline2 joined");
	assert_string_equal(toml_get(r, "l")->str, "raw \\n");
	assert_int_equal(toml_get(r, "a")->nr, 3);
	assert_int_equal(toml_get(r, "a")->kids[2]->num, 3);
	assert_int_equal(toml_get(r, "e")->nr, 0);
	assert_string_equal(toml_get(toml_get(toml_get(r, "t"), "y"), "z")->str, "w");
	assert_int_equal(toml_get(r, "f")->num, 0);
	toml_free(r);
}

static void test_toml_syntax_errors(void **state)
{
	(void)state;
	expect_error("a = \"x\n", "t.toml:1:7: new line inside a string (use \"\"\" for multi-line strings)");
	expect_error("a = \"x", "t.toml:1:5: unterminated string");
	expect_error("a = 'x", "t.toml:1:5: unterminated string");
	expect_error("a = \"\\q\"", "t.toml:1:7: invalid escape '\\q' (valid: \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX)");
	expect_error("a = \"\\u12\"", "t.toml:1:10: \\u needs 4 hex digits");
	expect_error("a = \"\\uD800\"", "t.toml:1:6: escape names an invalid character U+D800");
	expect_error("a = 1.5", "t.toml:1:6: floating-point numbers are not used by any mvlaunch key");
	expect_error("a = inf", "t.toml:1:5: floating-point numbers are not used by any mvlaunch key");
	expect_error("a = 2020-01-01", "t.toml:1:9: dates and times are not used by any mvlaunch key (quote the value)");
	expect_error("a = 012", "t.toml:1:5: leading zeros are not allowed in integers");
	expect_error("a = 1__0", "t.toml:1:7: '_' must sit between two digits");
	expect_error("a = 10_", "t.toml:1:8: malformed integer");
	expect_error("a = -0x10", "t.toml:1:6: a sign is not allowed before 0x");
	expect_error("a = 99999999999999999999", "t.toml:1:23: integer is too large");
	expect_error("a = 12ab", "t.toml:1:7: unexpected 'a' in a number");
	expect_error("a = yes", "t.toml:1:5: invalid value 'yes' (strings need quotes: \"yes\")");
	expect_error("a =", "t.toml:1:4: missing value after '='");
	expect_error("a = # c", "t.toml:1:5: missing value after '='");
	expect_error("a", "t.toml:1:2: expected '=' after key 'a'");
	expect_error("a b = 1", "t.toml:1:3: unexpected 'b' after key 'a' (expected '=')");
	expect_error("= 1", "t.toml:1:1: unexpected '=' (expected a key)");
	expect_error("a = 1 b = 2", "t.toml:1:7: unexpected 'b' after the value (expected a new line)");
	expect_error("a = [1, 2", "t.toml:1:10: unterminated array (missing ']')");
	expect_error("a = [1 2]", "t.toml:1:8: unexpected '2' in an array (expected ',' or ']')");
	expect_error("a = {x = 1,}", "t.toml:1:12: trailing ',' is not allowed in an inline table");
	expect_error("a = {x = 1\n}", "t.toml:1:11: unterminated inline table (missing '}'; inline tables fit on one line)");
	expect_error("a = 1\na = 2", "t.toml:2:1: key 'a': set twice (first at line 1)");
	expect_error("[t]\na = 1\na = 2", "t.toml:3:1: key 't.a': set twice (first at line 2)");
	expect_error("[t]\n[t]", "t.toml:2:1: table '[t]' is defined twice (first at line 1)");
	expect_error("a.b = 1\n[a]", "t.toml:2:1: table '[a]' is defined twice (first at line 1)");
	expect_error("a = 1\n[a]", "t.toml:2:1: table '[a]' conflicts with key 'a' set at line 1");
	expect_error("a = 1\n[[a]]", "t.toml:2:1: '[[a]]' conflicts with key 'a' set at line 1");
	expect_error("a = {x=1}\na.y = 2", "t.toml:2:1: key 'a': already set at line 1 and cannot be extended");
	expect_error("[a", "t.toml:1:3: expected ']' to close the table header");
	expect_error("[[a]", "t.toml:1:4: expected ']]' to close the table header");
	expect_error("[a] x", "t.toml:1:5: unexpected 'x' after the value (expected a new line)");
	expect_error("a = \"x\x01\"", "t.toml:1:7: control character 0x01 in a string (write it as an escape)");
	expect_error("# \x01", "t.toml:1:3: control character 0x01 in a comment");
	expect_error("\"\"\"k\"\"\" = 1", "t.toml:1:1: a key cannot be a multi-line string");
}

static void test_toml_nul_and_depth(void **state)
{
	struct toml_node *root = NULL;
	struct strbuf err = STRBUF_INIT;
	struct strbuf deep = STRBUF_INIT;

	(void)state;
	assert_int_equal(toml_parse("t.toml", "a = 1\0", 6, &root, &err), -1);
	assert_string_equal(err.buf, "t.toml: contains a NUL byte (not a text file?)");
	strbuf_reset(&err);
	strbuf_addstr(&deep, "a = ");
	for (int i = 0; i < 40; i++)
		strbuf_addch(&deep, '[');
	assert_int_equal(toml_parse("t.toml", deep.buf, deep.len, &root, &err), -1);
	assert_string_equal(err.buf, "t.toml:1:37: values nested more than 32 deep");
	strbuf_release(&deep);
	strbuf_release(&err);
}

static void test_toml_crlf_and_bom(void **state)
{
	struct toml_node *r = parse_ok("\xef\xbb\xbf" "a = 1\r\n[b]\r\nc = \"x\"\r\n");

	(void)state;
	assert_int_equal(toml_get(r, "a")->num, 1);
	assert_string_equal(toml_get(toml_get(r, "b"), "c")->str, "x");
	toml_free(r);
}

/* A table of 90,000 keys: every key found by its index, duplicates still caught (the parse is linear). */
static void test_toml_many_keys(void **state)
{
	struct strbuf text = STRBUF_INIT, err = STRBUF_INIT;
	struct toml_node *root = NULL, *t;
	char key[32];

	(void)state;
	strbuf_addstr(&text, "[t]\n");
	for (int i = 0; i < 90000; i++)
		strbuf_addf(&text, "k%d=%d\n", i, i);
	assert_int_equal(toml_parse("big.toml", text.buf, text.len, &root, &err), 0);
	t = toml_get(root, "t");
	assert_non_null(t);
	assert_int_equal(t->nr, 90000);
	for (int i = 0; i < 90000; i += 997) {
		snprintf(key, sizeof(key), "k%d", i);
		assert_int_equal(toml_get(t, key)->num, i);
	}
	assert_null(toml_get(t, "k90000"));
	toml_free(root);
	strbuf_addstr(&text, "k4711=1\n");
	assert_int_equal(toml_parse("big.toml", text.buf, text.len, &root, &err), -1);
	assert_string_equal(err.buf, "big.toml:90002:1: key 't.k4711': set twice (first at line 4713)");
	strbuf_release(&text);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_toml_many_keys),
		cmocka_unit_test(test_toml_tables_and_keys),
		cmocka_unit_test(test_toml_arrays_of_tables),
		cmocka_unit_test(test_toml_values),
		cmocka_unit_test(test_toml_syntax_errors),
		cmocka_unit_test(test_toml_nul_and_depth),
		cmocka_unit_test(test_toml_crlf_and_bom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
