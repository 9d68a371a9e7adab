/* SPDX-License-Identifier: MIT */
/* verify file and verify rollover: signed files and trust lists, and a
 * trust-list update, judged as a phone holding the given lists would. */
#include <stdio.h>
#include <string.h>

#include "ciscosec/fileio.h"
#include "ciscosec/phone.h"
#include "ciscosec/trustlist.h"
#include "../cli.h"
#include "../json.h"
#include "../report.h"
#include "verify.h"

static bool is_signed_name(const char *path)
{
    return cs_path_has_suffix(path, CS_SUFFIX_SGN) || cs_path_has_suffix(path, CS_SUFFIX_SHA512);
}

static int check_file_args(const verify_options *o, const cli_ctx *cli)
{
    for (int i = 0; i < o->count; i++) {
        const char *f = o->operands[i];
        if (!cs_path_has_suffix(f, CS_SUFFIX_TLV) && !is_signed_name(f))
            return cli_usage_error(cli,
                                   "'%s': a phone judges .tlv, .sgn, .sha512 and .enc.sgn "
                                   "files; this is none of them",
                                   f);
        if (is_signed_name(f) && o->itl == NULL)
            return cli_usage_error(cli, "'%s': checking a signed file needs --itl", f);
    }
    return CS_OK;
}

/* One file; false when it could not be read. */
static bool verify_one(const char *path, const cs_phone_list *list, int64_t now, cs_findings *f,
                       const cli_ctx *cli)
{
    cs_error err;
    int rc;
    if (cs_path_has_suffix(path, CS_SUFFIX_TLV)) {
        cs_buf data = CS_BUF_INIT;
        rc = verify_read_list(path, &data, cli);
        if (rc != CS_OK)
            return false;
        rc = cs_phone_check_trustlist(path, data.data, data.len, now, f, &err);
        cs_buf_release(&data);
    } else {
        rc = cs_phone_check_signed_file(path, path, list, 1, f, &err);
    }
    if (rc != CS_OK) {
        fflush(stdout);
        cli_file_fail(cli, path, rc, &err);
        return false;
    }
    return true;
}

int verify_files(const verify_options *o, const cli_ctx *cli)
{
    int rc = check_file_args(o, cli);
    if (rc != CS_OK)
        return rc;
    loaded_list itl;
    if (o->itl != NULL && (rc = verify_load_list(o->itl, &itl, cli)) != CS_OK)
        return rc;
    cs_phone_list list = {o->itl, o->itl ? &itl.tl : NULL};
    cs_findings f = verify_findings_new(o);
    report_out out = verify_report_new(o);
    bool io_error = false;
    size_t rejected = 0;
    for (int i = 0; i < o->count; i++) {
        const char *path = o->operands[i];
        size_t before = f.count, errors = f.errors;
        if (!verify_one(path, &list, o->now, &f, cli)) {
            io_error = true;
            continue;
        }
        if (f.count == before)
            report_note(&out, "%s: OK\n", path);
        report_findings(&out, &f, before);
        rejected += f.errors > errors;
    }
    report_note(&out, "%d file%s checked, %zu rejected\n", o->count, o->count == 1 ? "" : "s",
                rejected);
    if (out.report != NULL) {
        json_object_set_new(out.report, "files_checked", json_integer(o->count));
        json_object_set_new(out.report, "files_rejected", json_integer((json_int_t)rejected));
    }
    report_findings_verdict(&out, &f);
    rc = verify_status(&f, io_error, cli);
    cs_findings_release(&f);
    if (o->itl != NULL)
        verify_release_list(&itl);
    return report_out_finish(&out, rc, cli);
}

int verify_rollover(const verify_options *o, const cli_ctx *cli)
{
    const char *old_path = o->operands[0], *new_path = o->operands[1];
    cs_buf old_data = CS_BUF_INIT, new_data = CS_BUF_INIT;
    int rc = verify_read_list(old_path, &old_data, cli);
    if (rc == CS_OK)
        rc = verify_read_list(new_path, &new_data, cli);
    cs_findings f = verify_findings_new(o);
    report_out out = verify_report_new(o);
    cs_error err;
    if (rc == CS_OK) {
        rc = cs_phone_check_rollover(old_path, old_data.data, old_data.len, new_path, new_data.data,
                                     new_data.len, o->now, &f, &err);
        if (rc != CS_OK) {
            cs_error_prefix(&err, "not a trust list a phone could hold");
            cli_file_fail(cli, old_path, rc, &err);
        }
    }
    if (rc == CS_OK) {
        if (f.count == 0)
            report_note(&out, "%s: OK: phones holding %s accept it\n", new_path, old_path);
        if (out.report != NULL)
            json_object_set_new(out.report, "new_file", json_text_or_null(new_path));
        report_findings(&out, &f, 0);
        report_findings_verdict(&out, &f);
        rc = verify_status(&f, false, cli);
    }
    cs_findings_release(&f);
    cs_buf_release(&old_data);
    cs_buf_release(&new_data);
    return report_out_finish(&out, rc, cli);
}
