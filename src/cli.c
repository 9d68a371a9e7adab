#include "cli.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "ciscosec/fileio.h"

CS_PRINTF(2, 0) static void vmessage(const cli_ctx *cli, const char *fmt, va_list ap)
{
    fprintf(stderr, "%s: ", cli->prog);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int cli_fail(const cli_ctx *cli, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmessage(cli, fmt, ap);
    va_end(ap);
    return status;
}

int cli_file_fail(const cli_ctx *cli, const char *path, int status, const cs_error *err)
{
    return cli_fail(cli, status, "'%s': %s", path, err->message);
}

void cli_warn(const cli_ctx *cli, const char *path, const char *fmt, ...)
{
    fprintf(stderr, "%s: warning: '%s': ", cli->prog, path);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

void cli_warn_exposed_key(const cli_ctx *cli, const char *path)
{
    mode_t exposed = cs_file_exposure(path);
    if (exposed != 0)
        cli_warn(cli, path, "the private key can be read by %s (chmod 600 it)",
                 exposed & S_IROTH ? "everyone" : "its group");
}

int cli_usage_error(const cli_ctx *cli, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", cli->prog);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (try '%s --help')\n", cli->prog);
    return CS_ERROR;
}

int cli_finish(const cli_ctx *cli, int status)
{
    if (fflush(stdout) != 0 || ferror(stdout))
        return cli_fail(cli, CS_ERROR, "cannot write the output: %s", strerror(errno));
    return status;
}

static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};

static void die_by(int signo)
{
    struct sigaction dfl = {.sa_handler = SIG_DFL};
    sigemptyset(&dfl.sa_mask);
    sigaction(signo, &dfl, NULL);
    raise(signo); /* delivered when the handler that calls this returns */
}

static void on_stop_signal(int signo)
{
    cs_stop_request(signo);
    if (cs_temp_files() == 0)
        die_by(signo);
}

void cli_catch_stop_signals(void)
{
    struct sigaction sa = {.sa_handler = on_stop_signal, .sa_flags = SA_RESTART};
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof stop_signals / sizeof stop_signals[0]; i++)
        sigaddset(&sa.sa_mask, stop_signals[i]);
    for (size_t i = 0; i < sizeof stop_signals / sizeof stop_signals[0]; i++) {
        struct sigaction old;
        if (sigaction(stop_signals[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(stop_signals[i], &sa, NULL);
    }
}

void cli_end_by_stop_signal(void)
{
    int signo = cs_stop_requested();
    if (signo != 0)
        die_by(signo);
}

int cli_parse_options(const cli_options *spec, void *opts, int *argc, char **argv, int *first,
                      const cli_ctx *cli)
{
    char shortopts[64];
    /* ':' first: a missing argument is reported as ':' rather than '?'. */
    /* -h is help unless the command takes it (tvsc/capfc: -h HOST). */
    bool h_is_help = strchr(spec->shortopts, 'h') == NULL;
    snprintf(shortopts, sizeof shortopts, ":%sH%s", spec->shortopts, h_is_help ? "h" : "");
    cli_unflatten_args(argc, argv);
    optind = 0; /* a full reset: getopt may have run before */
    opterr = 0;
    int opt;
    while ((opt = getopt_long(*argc, argv, shortopts, spec->longopts, NULL)) != -1) {
        if (opt == 'H' || (opt == 'h' && h_is_help)) {
            spec->help(cli);
            return -1;
        }
        if (opt == ':')
            return cli_usage_error(cli, "option '%s' needs an argument", argv[optind - 1]);
        if (opt == '?')
            return cli_usage_error(cli, "unknown option '%s'", argv[optind - 1]);
        int rc = spec->handle(opts, opt, cli);
        if (rc != CS_OK)
            return rc;
    }
    *first = optind;
    return CS_OK;
}

int cli_take_verb(int *argc, char ***argv, const char *const *verbs)
{
    if (*argc < 2)
        return -1;
    for (int i = 0; verbs[i] != NULL; i++) {
        if (strcmp((*argv)[1], verbs[i]) == 0) {
            /* Drop the verb: argv[1..] shift down by one. */
            (*argv)[1] = (*argv)[0];
            (*argv)++;
            (*argc)--;
            return i;
        }
    }
    return -1;
}

bool cli_is_blank(const char *arg)
{
    return arg[strspn(arg, " \t\r\n")] == '\0';
}

void cli_unflatten_args(int *argc, char **argv)
{
    int kept = 1;
    bool options = true;
    for (int i = 1; i < *argc; i++) {
        char *arg = argv[i];
        if (options && strcmp(arg, "--") == 0)
            options = false;
        if (options && cli_is_blank(arg))
            continue;
        size_t blanks = strspn(arg, " \t\r\n");
        if (options && blanks > 0 && arg[blanks] == '-')
            arg += blanks;
        argv[kept++] = arg;
    }
    argv[kept] = NULL; /* within the vector: kept <= *argc */
    *argc = kept;
}

const char *report_verdict_line(bool checked, int rc)
{
    if (!checked)
        return "No certificate specified, unable to check signature";
    return rc == CS_OK ? "Valid signature" : "Invalid signature";
}

const char *report_verdict_word(bool checked, int rc)
{
    if (!checked)
        return "unchecked";
    return rc == CS_OK ? "valid" : "invalid";
}

void report_text(FILE *out, cs_bytes text)
{
    for (size_t i = 0; i < text.len; i++) {
        uint8_t c = text.data[i];
        if (c < 0x20 || c == 0x7F)
            fprintf(out, "\\x%02x", c);
        else
            fputc(c, out);
    }
}

void report_hex(FILE *out, cs_bytes bytes)
{
    for (size_t i = 0; i < bytes.len; i++)
        fprintf(out, "%02x", bytes.data[i]);
}

static void label(FILE *out, int width, const char *name)
{
    fprintf(out, "%-*s", width, name);
}

void report_line(FILE *out, int width, const char *name, const char *fmt, ...)
{
    label(out, width, name);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(out, fmt, ap);
    va_end(ap);
    fputc('\n', out);
}

static void text_line(FILE *out, int width, const char *name, cs_bytes text)
{
    label(out, width, name);
    report_text(out, text);
    fputc('\n', out);
}

static void hex_line(FILE *out, int width, const char *name, cs_bytes bytes)
{
    label(out, width, name);
    report_hex(out, bytes);
    fputc('\n', out);
}

static void digest_line(FILE *out, int width, const char *name, uint8_t code)
{
    const char *digest = cs_digest_code_name(code);
    if (digest != NULL)
        report_line(out, width, name, "%s", digest);
    else
        report_line(out, width, name, "%u", code);
}

static void timestamp_line(FILE *out, int width, uint32_t timestamp)
{
    /* Local time, as the reference prints it. */
    time_t t = (time_t)timestamp;
    struct tm tm;
    char text[32] = "?";
    if (localtime_r(&t, &tm) != NULL)
        strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm);
    report_line(out, width, "Timestamp:", "%s", text);
}

void report_header(FILE *out, const cs_header *h, int width)
{
    report_line(out, width, "Version:", "%u.%u", h->version[0], h->version[1]);
    report_line(out, width, "Header Length:", "%u bytes", h->length);
    if (h->has_signer_version)
        report_line(out, width, "Signer Version:", "%u.%u", h->signer_version[0],
                    h->signer_version[1]);
    if (h->has_signer_name)
        text_line(out, width, "Signer Name:", h->signer_name);
    if (h->has_issuer_name)
        text_line(out, width, "Issuer Name:", h->issuer_name);
    if (h->has_serial)
        hex_line(out, width, "Serial Number:", h->serial);
    digest_line(out, width, "Digest Algorithm:", h->digest_code);
    report_line(out, width, "Signature:", "%zu bytes", h->signature.len);
    if (h->has_filename)
        text_line(out, width, "Filename:", h->filename);
    if (h->has_timestamp)
        timestamp_line(out, width, h->timestamp);
    if (h->has_encryption) {
        const cs_encryption_fields *e = &h->enc;
        report_line(out, width, "Encryption IV:", "%zu bytes", e->iv.len);
        report_line(out, width, "Encryption Key:", "%zu bytes", e->encrypted_key.len);
        digest_line(out, width, "Encryption Digest Algorithm:", e->content_digest_code);
        hex_line(out, width, "Encryption Digest:", e->content_digest);
    }
    fputc('\n', out);
}
