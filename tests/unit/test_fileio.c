/* SPDX-License-Identifier: MIT */
/* Safe file handling: bounded reads, atomic outputs, and the build time. */
#define _GNU_SOURCE /* mkdtemp, setenv */
#include "support.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ciscosec/fileio.h"

/* Each test gets a fresh directory, removed with all it holds after. */
static int make_dir(void **state)
{
    char *dir = strdup("/tmp/ciscosec-fileio.XXXXXX");
    if (dir == NULL || mkdtemp(dir) == NULL)
        return -1;
    *state = dir;
    return 0;
}

static void remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        struct dirent *e;
        while (d != NULL && (e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char child[4096];
            snprintf(child, sizeof child, "%s/%s", path, e->d_name);
            remove_tree(child);
        }
        if (d != NULL)
            closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static int remove_dir(void **state)
{
    remove_tree(*state);
    free(*state);
    return 0;
}

/* A path in the test's directory; the last few stay valid at once. */
static const char *in(void **state, const char *name)
{
    static char path[8][4096];
    static unsigned which;
    which = (which + 1) % 8;
    snprintf(path[which], sizeof path[which], "%s/%s", (const char *)*state, name);
    return path[which];
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
}

static void expect_contents(const char *path, const char *text)
{
    cs_buf b = CS_BUF_INIT;
    cs_error err;
    if (cs_read_file(path, 1 << 20, &b, &err) != CS_OK)
        fail_msg("%s: %s", path, err.message);
    assert_int_equal(b.len, strlen(text));
    assert_memory_equal(b.data, text, b.len);
    cs_buf_release(&b);
}

/* Names in the directory other than `.` and `..`; temporary files are
 * hidden (".NAME.XXXXXX"). */
static int count_entries(void **state, bool hidden_only)
{
    DIR *d = opendir(*state);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (!hidden_only || e->d_name[0] == '.')
            n++;
    }
    closedir(d);
    return n;
}

static mode_t mode_of(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return st.st_mode & 07777;
}

/* --- cs_read_file ------------------------------------------------------ */

static void test_read_missing(void **state)
{
    cs_buf b = CS_BUF_INIT;
    cs_error err = {{0}};
    assert_int_equal(cs_read_file(in(state, "missing"), 100, &b, &err), CS_ERROR);
    assert_non_null(strstr(err.message, "cannot open"));
    assert_non_null(strstr(err.message, strerror(ENOENT)));
    assert_int_equal(b.len, 0);
    cs_buf_release(&b);
}

static void test_read_directory_and_fifo(void **state)
{
    cs_buf b = CS_BUF_INIT;
    cs_error err = {{0}};
    assert_int_equal(cs_read_file(*state, 100, &b, &err), CS_ERROR);
    assert_non_null(strstr(err.message, "not a regular file"));

    /* A FIFO with no writer: refused at once, not waited on. */
    const char *fifo = in(state, "fifo");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(cs_read_file(fifo, 100, &b, &err), CS_ERROR);
    assert_non_null(strstr(err.message, "not a regular file"));

    assert_int_equal(cs_read_file("/dev/null", 100, &b, &err), CS_ERROR);
    assert_int_equal(b.len, 0);
    cs_buf_release(&b);
}

static void test_read_sizes(void **state)
{
    const char *path = in(state, "hundred");
    char text[101];
    memset(text, 'h', 100);
    text[100] = '\0';
    write_file(path, text);

    cs_buf b = CS_BUF_INIT;
    cs_error err = {{0}};
    assert_int_equal(cs_read_file(path, 99, &b, &err), CS_ERROR);
    assert_non_null(strstr(err.message, "too large (100 bytes, at most 99)"));
    assert_int_equal(b.len, 0);
    assert_int_equal(cs_read_file(path, 100, &b, &err), CS_OK);
    assert_int_equal(b.len, 100);
    assert_memory_equal(b.data, text, 100);
    cs_buf_release(&b);

    const char *empty = in(state, "empty");
    write_file(empty, "");
    assert_int_equal(cs_read_file(empty, 0, &b, &err), CS_OK);
    assert_int_equal(b.len, 0);
    assert_string_equal(cs_buf_str(&b), "");
    cs_buf_release(&b);
}

/* Like every cs_buf writer, a read appends. */
static void test_read_appends(void **state)
{
    const char *path = in(state, "tail");
    write_file(path, "0123456789");
    cs_buf b = CS_BUF_INIT;
    cs_buf_append(&b, "head:", 5);
    cs_error err;
    assert_int_equal(cs_read_file(path, 10, &b, &err), CS_OK);
    assert_int_equal(b.len, 15);
    assert_memory_equal(b.data, "head:0123456789", 15);
    cs_buf_release(&b);
}

static void test_read_secret(void **state)
{
    const char *path = in(state, "key");
    write_file(path, "-----BEGIN PRIVATE KEY-----");
    cs_buf b = CS_BUF_INIT;
    b.secret = true;
    cs_error err;
    assert_int_equal(cs_read_file(path, 1000, &b, &err), CS_OK);
    assert_true(b.secret);
    assert_int_equal(b.len, 27);
    cs_buf_release(&b);
}

/* --- cs_output --------------------------------------------------------- */

static void test_output_commit(void **state)
{
    const char *path = in(state, "out.bin");
    cs_output out;
    cs_error err;
    assert_int_equal(cs_output_open(&out, path, 0644, &err), CS_OK);
    /* The temporary file is beside the output, hidden, and the output
     * itself does not exist yet. */
    assert_int_equal(count_entries(state, true), 1);
    assert_int_equal(access(path, F_OK), -1);
    assert_non_null(strstr(out.tmp, "/.out.bin."));
    assert_int_equal(cs_output_write(&out, "hello ", 6, &err), CS_OK);
    assert_int_equal(cs_output_write(&out, "world", 5, &err), CS_OK);
    assert_int_equal(cs_output_write(&out, "", 0, &err), CS_OK);
    assert_int_equal(cs_output_commit(&out, true, &err), CS_OK);
    expect_contents(path, "hello world");
    assert_int_equal(mode_of(path), 0644);
    assert_int_equal(count_entries(state, false), 1);
    assert_null(out.tmp);
    assert_null(out.path);
    cs_output_abort(&out); /* harmless after a commit */
    expect_contents(path, "hello world");

    /* Committing over an existing file replaces it whole. */
    assert_int_equal(cs_output_open(&out, path, 0644, &err), CS_OK);
    assert_int_equal(cs_output_write(&out, "new", 3, &err), CS_OK);
    expect_contents(path, "hello world"); /* not until the commit */
    assert_int_equal(cs_output_commit(&out, true, &err), CS_OK);
    expect_contents(path, "new");
    assert_int_equal(count_entries(state, false), 1);
}

static void test_output_abort(void **state)
{
    const char *path = in(state, "existing");
    write_file(path, "old contents");
    cs_output out;
    cs_error err;
    assert_int_equal(cs_output_open(&out, path, 0644, &err), CS_OK);
    assert_int_equal(cs_output_write(&out, "partial", 7, &err), CS_OK);
    cs_output_abort(&out);
    cs_output_abort(&out); /* twice is fine */
    expect_contents(path, "old contents");
    assert_int_equal(count_entries(state, false), 1);
    assert_int_equal(count_entries(state, true), 0);

    /* Aborting a new output leaves nothing at all. */
    assert_int_equal(cs_output_open(&out, in(state, "new"), 0644, &err), CS_OK);
    cs_output_abort(&out);
    assert_int_equal(count_entries(state, false), 1);
}

static void test_output_no_replace(void **state)
{
    const char *path = in(state, "keep");
    write_file(path, "precious");
    cs_output out;
    cs_error err = {{0}};
    assert_int_equal(cs_output_open(&out, path, 0600, &err), CS_OK);
    assert_int_equal(cs_output_write(&out, "other", 5, &err), CS_OK);
    assert_int_equal(cs_output_commit(&out, false, &err), CS_ERROR);
    assert_non_null(strstr(err.message, "already exists"));
    expect_contents(path, "precious");
    assert_int_equal(count_entries(state, false), 1);

    /* Where nothing is in the way it is created, without a temp left. */
    const char *fresh = in(state, "fresh");
    assert_int_equal(cs_output_open(&out, fresh, 0600, &err), CS_OK);
    assert_int_equal(cs_output_write(&out, "first", 5, &err), CS_OK);
    assert_int_equal(cs_output_commit(&out, false, &err), CS_OK);
    expect_contents(fresh, "first");
    assert_int_equal(mode_of(fresh), 0600);
    assert_int_equal(count_entries(state, false), 2);
}

static void test_output_modes(void **state)
{
    cs_error err;
    const char *key = in(state, "key.pem");
    assert_int_equal(cs_write_file_atomic(key, "secret", 6, 0600, &err), CS_OK);
    assert_int_equal(mode_of(key), 0600);
    /* Replacing a key keeps it private even where the old file was not. */
    const char *loose = in(state, "loose.pem");
    write_file(loose, "x");
    assert_int_equal(chmod(loose, 0666), 0);
    assert_int_equal(cs_write_file_atomic(loose, "secret", 6, 0600, &err), CS_OK);
    assert_int_equal(mode_of(loose), 0600);
    /* The umask (022, set in main) narrows wider modes. */
    const char *pub = in(state, "pub");
    assert_int_equal(cs_write_file_atomic(pub, "p", 1, 0666, &err), CS_OK);
    assert_int_equal(mode_of(pub), 0644);
    const char *exe = in(state, "exe");
    assert_int_equal(cs_write_file_atomic(exe, "p", 1, 0755, &err), CS_OK);
    assert_int_equal(mode_of(exe), 0755);
    assert_int_equal(count_entries(state, true), 0);
}

static void test_output_refusals(void **state)
{
    cs_output out;
    cs_error err = {{0}};
    /* The output names a directory. */
    assert_int_equal(cs_output_open(&out, *state, 0644, &err), CS_ERROR);
    assert_non_null(strstr(err.message, "is a directory"));
    assert_null(out.tmp);
    /* In a directory that does not exist. */
    assert_int_equal(cs_output_open(&out, in(state, "no/such/file"), 0644, &err), CS_ERROR);
    assert_non_null(strstr(err.message, "temporary file"));
    assert_null(out.tmp);
    assert_null(out.path);
    cs_output_abort(&out);
    assert_int_equal(count_entries(state, false), 0);

    assert_int_equal(cs_write_file_atomic(in(state, "none/x"), "a", 1, 0644, &err), CS_ERROR);
    assert_int_equal(count_entries(state, false), 0);
}

/* Something appears at the output's name between open and commit: the
 * commit fails cleanly and leaves it alone. */
static void test_commit_fails_cleanly(void **state)
{
    const char *path = in(state, "late");
    cs_output out;
    cs_error err = {{0}};
    assert_int_equal(cs_output_open(&out, path, 0644, &err), CS_OK);
    assert_int_equal(cs_output_write(&out, "data", 4, &err), CS_OK);
    assert_int_equal(mkdir(path, 0755), 0);
    write_file(in(state, "late/inside"), "x");
    assert_int_equal(cs_output_commit(&out, true, &err), CS_ERROR);
    assert_non_null(strstr(err.message, "cannot create"));
    assert_int_equal(count_entries(state, true), 0);
    expect_contents(in(state, "late/inside"), "x");
    assert_null(out.tmp);
}

/* A symlink at the output's name is replaced, its target never written. */
static void test_output_over_symlink(void **state)
{
    const char *target = in(state, "target");
    write_file(target, "target stays");
    const char *link = in(state, "link");
    assert_int_equal(symlink("target", link), 0);
    cs_error err;
    assert_int_equal(cs_write_file_atomic(link, "new", 3, 0644, &err), CS_OK);
    expect_contents(target, "target stays");
    struct stat st;
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    expect_contents(link, "new");
}

static void test_output_bare_name(void **state)
{
    /* A path without a directory part works in the current directory. */
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(*state), 0);
    cs_error err;
    int rc = cs_write_file_atomic("bare.txt", "bare", 4, 0644, &err);
    assert_int_equal(chdir(cwd), 0);
    assert_int_equal(rc, CS_OK);
    expect_contents(in(state, "bare.txt"), "bare");
    assert_int_equal(count_entries(state, false), 1);
}

/* --- cs_build_time and cs_basename ------------------------------------- */

static int build_time_with(const char *value, uint32_t *out, cs_error *err)
{
    if (value == NULL)
        unsetenv("SOURCE_DATE_EPOCH");
    else
        setenv("SOURCE_DATE_EPOCH", value, 1);
    int rc = cs_build_time(out, err);
    unsetenv("SOURCE_DATE_EPOCH");
    return rc;
}

/* --- stopping on a signal ---------------------------------------------- */

/* Every temporary file on disk is counted, and only while it is there. */
static void test_temp_files_counted(void **state)
{
    cs_output a, b;
    cs_error err;
    assert_int_equal(cs_temp_files(), 0);
    assert_int_equal(cs_output_open(&a, in(state, "a"), 0644, &err), CS_OK);
    assert_int_equal(cs_output_open(&b, in(state, "b"), 0644, &err), CS_OK);
    assert_int_equal(cs_temp_files(), 2);
    assert_int_equal(cs_output_commit(&a, true, &err), CS_OK);
    assert_int_equal(cs_temp_files(), 1);
    cs_output_abort(&b);
    cs_output_abort(&b);
    assert_int_equal(cs_temp_files(), 0);
    /* Without replacing: linked, then the temporary name removed. */
    assert_int_equal(cs_output_open(&a, in(state, "c"), 0644, &err), CS_OK);
    assert_int_equal(cs_output_commit(&a, false, &err), CS_OK);
    assert_int_equal(cs_temp_files(), 0);
    /* Failures: a directory in the way, and no directory at all. */
    assert_int_equal(cs_output_open(&a, *state, 0644, &err), CS_ERROR);
    assert_int_equal(cs_output_open(&a, in(state, "no/such"), 0644, &err), CS_ERROR);
    assert_int_equal(cs_temp_files(), 0);
}

/* After a stop signal, outputs in progress fail, and neither they nor
 * new ones leave anything behind. */
static void test_stop_request(void **state)
{
    const char *path = in(state, "existing");
    write_file(path, "old");
    cs_output out, late;
    cs_error err;
    assert_int_equal(cs_output_open(&out, path, 0644, &err), CS_OK);
    assert_int_equal(cs_output_write(&out, "new", 3, &err), CS_OK);

    assert_int_equal(cs_stop_requested(), 0);
    cs_stop_request(15);
    assert_int_equal(cs_stop_requested(), 15);
    assert_int_equal(cs_output_write(&out, "more", 4, &err), CS_ERROR);
    assert_string_equal(err.message, "interrupted");
    assert_int_equal(cs_output_commit(&out, true, &err), CS_ERROR);
    assert_string_equal(err.message, "interrupted");
    assert_int_equal(cs_output_open(&late, in(state, "late"), 0644, &err), CS_ERROR);
    assert_string_equal(err.message, "interrupted");

    cs_stop_request(0); /* for the tests after this one */
    expect_contents(path, "old");
    assert_int_equal(count_entries(state, false), 1);
    assert_int_equal(cs_temp_files(), 0);
}

static void test_build_time(void **state)
{
    (void)state;
    uint32_t t = 0;
    cs_error err = {{0}};
    assert_int_equal(build_time_with("1767323046", &t, &err), CS_OK);
    assert_int_equal(t, 1767323046u);
    assert_int_equal(build_time_with("0", &t, &err), CS_OK);
    assert_int_equal(t, 0);
    assert_int_equal(build_time_with("4294967295", &t, &err), CS_OK);
    assert_int_equal(t, 4294967295u);

    /* Unset or empty: the clock. */
    time_t before = time(NULL);
    assert_int_equal(build_time_with(NULL, &t, &err), CS_OK);
    assert_true(t >= (uint32_t)before && t <= (uint32_t)time(NULL));
    assert_int_equal(build_time_with("", &t, &err), CS_OK);
    assert_true(t >= (uint32_t)before && t <= (uint32_t)time(NULL));

    static const char *const bad[] = {
        "-1",                      /* negative */
        "-0",                      /* still a sign */
        "4294967296",              /* one past 32 bits */
        "18446744073709551615",    /* 64 bits */
        "99999999999999999999999", /* overflows strtoull */
        "abc",
        "12abc",
        "1.5",
        "0x10",
        "1e9",
        "12 ",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        t = 7;
        err.message[0] = '\0';
        if (build_time_with(bad[i], &t, &err) != CS_ERROR)
            fail_msg("SOURCE_DATE_EPOCH='%s' was accepted (%u)", bad[i], t);
        assert_non_null(strstr(err.message, "SOURCE_DATE_EPOCH"));
        assert_non_null(strstr(err.message, bad[i]));
        assert_int_equal(t, 7);
    }
}

static void test_basename(void **state)
{
    (void)state;
    assert_string_equal(cs_basename("/var/lib/tftpboot/ITLFile.tlv"), "ITLFile.tlv");
    assert_string_equal(cs_basename("ITLFile.tlv"), "ITLFile.tlv");
    assert_string_equal(cs_basename("./a"), "a");
    assert_string_equal(cs_basename("/a"), "a");
    assert_string_equal(cs_basename("dir/"), "");
    assert_string_equal(cs_basename(""), "");
}

#define WITH_DIR(t) cmocka_unit_test_setup_teardown(t, make_dir, remove_dir)

static void test_path_has_suffix(void **state)
{
    (void)state;
    assert_true(cs_path_has_suffix("a/SEP1.cnf.xml.enc.sgn", ".enc.sgn"));
    assert_true(cs_path_has_suffix("a/SEP1.cnf.xml.enc.sgn", ".sgn"));
    assert_true(cs_path_has_suffix(".sgn", ".sgn"));
    assert_false(cs_path_has_suffix("sgn", ".sgn"));
    assert_false(cs_path_has_suffix("x.sgn.bak", ".sgn"));
    assert_true(cs_path_has_suffix("x", ""));
}

int main(void)
{
    umask(022);
    const struct CMUnitTest tests[] = {
        WITH_DIR(test_read_missing),         WITH_DIR(test_read_directory_and_fifo),
        WITH_DIR(test_read_sizes),           WITH_DIR(test_read_appends),
        WITH_DIR(test_read_secret),          WITH_DIR(test_output_commit),
        WITH_DIR(test_output_abort),         WITH_DIR(test_output_no_replace),
        WITH_DIR(test_output_modes),         WITH_DIR(test_output_refusals),
        WITH_DIR(test_commit_fails_cleanly), WITH_DIR(test_output_over_symlink),
        WITH_DIR(test_output_bare_name),     WITH_DIR(test_temp_files_counted),
        WITH_DIR(test_stop_request),         cmocka_unit_test(test_build_time),
        cmocka_unit_test(test_basename),     cmocka_unit_test(test_path_has_suffix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
