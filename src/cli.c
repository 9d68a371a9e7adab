/* SPDX-License-Identifier: MIT */
/* Error reporting (cli.h): one line on stderr per error or warning, and
 * the exit status it goes with. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>

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

void cli_warn_header(const cli_ctx *cli, const char *path, const cs_header *h)
{
    cs_error err;
    if (cs_header_check_nesting(h, &err) != CS_OK)
        cli_warn(cli, path, "%s", err.message);
}
