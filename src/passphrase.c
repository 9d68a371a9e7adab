/* SPDX-License-Identifier: MIT */
#include "passphrase.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "ciscosec/fileio.h"

/* A passphrase file holds one line; anything larger is not one. */
#define MAX_PASSPHRASE_FILE 4096
#define MAX_PASSPHRASE 1024

int passphrase_option(passphrase_opts *p, int opt, const cli_ctx *cli)
{
    if (opt == PASSPHRASE_OPT_FILE)
        p->file = optarg;
    else
        p->env = optarg;
    if (p->file != NULL && p->env != NULL)
        return cli_usage_error(cli, "--passphrase-file and --passphrase-env cannot be used "
                                    "together");
    return CS_OK;
}

bool passphrase_given(const passphrase_opts *p)
{
    return p->file != NULL || p->env != NULL;
}

/* The first line of text, without its line end. */
static size_t first_line(const uint8_t *text, size_t len)
{
    size_t n = 0;
    while (n < len && text[n] != '\n')
        n++;
    if (n > 0 && text[n - 1] == '\r')
        n--;
    return n;
}

static int from_file(const char *file, cs_buf *out, cs_error *err)
{
    cs_buf text = CS_BUF_INIT;
    text.secret = true;
    int rc = cs_read_file(file, MAX_PASSPHRASE_FILE, &text, err);
    if (rc == CS_OK)
        cs_buf_append(out, text.data, first_line(text.data, text.len));
    cs_buf_release(&text);
    if (rc != CS_OK)
        cs_error_prefix(err, "passphrase file '%s'", file);
    return rc;
}

static int from_env(const char *name, cs_buf *out, cs_error *err)
{
    const char *value = getenv(name);
    if (value == NULL)
        return cs_fail(err, CS_ERROR, "the environment variable %s (--passphrase-env) is not set",
                       name);
    cs_buf_append_cstr(out, value);
    return CS_OK;
}

/* One line from the terminal, with echo off. Signals from the keyboard
 * are off too, so that Ctrl-C cannot end the process with echo still off:
 * it arrives as a character, and stops the program the usual way once the
 * terminal is restored. */
static int ask(int tty, const char *question, cs_buf *out, cs_error *err)
{
    struct termios saved, quiet;
    bool restore = tcgetattr(tty, &saved) == 0;
    if (restore) {
        quiet = saved;
        quiet.c_lflag &= ~(tcflag_t)(ECHO | ISIG);
        (void)tcsetattr(tty, TCSAFLUSH, &quiet);
    }
    (void)!write(tty, question, strlen(question));
    int rc = CS_OK;
    for (;;) {
        char c;
        ssize_t n = read(tty, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0 || c == '\n')
            break;
        if (restore && (cc_t)c == saved.c_cc[VINTR]) {
            cs_stop_request(SIGINT);
            rc = cs_fail(err, CS_ERROR, "interrupted");
            break;
        }
        if (out->len >= MAX_PASSPHRASE) {
            rc = cs_fail(err, CS_ERROR, "the passphrase is longer than %d bytes", MAX_PASSPHRASE);
            break;
        }
        cs_buf_append_byte(out, (uint8_t)c);
        c = 0;
    }
    if (restore)
        (void)tcsetattr(tty, TCSAFLUSH, &saved);
    (void)!write(tty, "\n", 1);
    return rc;
}

static int from_terminal(const passphrase_opts *p, const char *path, cs_buf *out, cs_error *err)
{
    int tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (tty < 0)
        return cs_fail(err, CS_ERROR,
                       "the private key is encrypted: give its passphrase with "
                       "--passphrase-file FILE or --passphrase-env NAME");
    char question[512];
    snprintf(question, sizeof question, "Passphrase for '%s': ", path);
    int rc = ask(tty, question, out, err);
    if (rc == CS_OK && p->confirm) {
        cs_buf again = CS_BUF_INIT;
        again.secret = true;
        rc = ask(tty, "The same passphrase again: ", &again, err);
        if (rc == CS_OK && (again.len != out->len ||
                            (out->len > 0 && memcmp(again.data, out->data, out->len) != 0)))
            rc = cs_fail(err, CS_ERROR, "the two passphrases differ");
        cs_buf_release(&again);
    }
    close(tty);
    return rc;
}

static int get(void *ctx, const char *path, cs_buf *out, cs_error *err)
{
    const passphrase_opts *p = ctx;
    int rc = p->file != NULL  ? from_file(p->file, out, err)
             : p->env != NULL ? from_env(p->env, out, err)
                              : from_terminal(p, path, out, err);
    if (rc == CS_OK && out->len > MAX_PASSPHRASE)
        rc = cs_fail(err, CS_ERROR, "the passphrase is longer than %d bytes", MAX_PASSPHRASE);
    return rc;
}

cs_passphrase passphrase_source(const passphrase_opts *p)
{
    return (cs_passphrase){get, (void *)p}; /* get only reads it */
}

static int get_kept(void *ctx, const char *path, cs_buf *out, cs_error *err)
{
    passphrase_kept *k = ctx;
    if (!k->have) {
        int rc = get((void *)k->opts, path, &k->phrase, err);
        if (rc != CS_OK) {
            cs_buf_release(&k->phrase);
            k->phrase.secret = true;
            return rc;
        }
        k->have = true;
    }
    cs_buf_append(out, k->phrase.data, k->phrase.len);
    return CS_OK;
}

void passphrase_kept_init(passphrase_kept *k, const passphrase_opts *opts)
{
    *k = (passphrase_kept){.opts = opts, .phrase = CS_BUF_INIT};
    k->phrase.secret = true;
}

cs_passphrase passphrase_kept_source(passphrase_kept *k)
{
    return (cs_passphrase){get_kept, k};
}

void passphrase_kept_release(passphrase_kept *k)
{
    cs_buf_release(&k->phrase);
    k->have = false;
}
