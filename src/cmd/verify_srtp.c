/* SPDX-License-Identifier: MIT */
/* verify srtp: whether the SRTP suites phones offer work with the
 * installed libsrtp2. */
#include <stdio.h>

#include "ciscosec/srtpcheck.h"
#include "../cli.h"
#include "../json.h"
#include "../report.h"
#include "verify.h"

static json_t *srtp_json(const cs_srtp_result *results, size_t failed)
{
    json_t *report = json_report_new("verify srtp", NULL);
    json_object_set_new(report, "library", json_string(cs_srtp_version()));
    json_t *suites = json_array();
    for (size_t i = 0; i < CS_SRTP_SUITE_COUNT; i++) {
        json_t *s = json_object();
        json_object_set_new(s, "suite", json_string(results[i].suite));
        json_object_set_new(s, "works", json_boolean(results[i].ok));
        if (!results[i].ok)
            json_object_set_new(s, "problem", json_string(results[i].detail));
        json_array_append_new(suites, s);
    }
    json_object_set_new(report, "suites", suites);
    json_object_set_new(report, "verdict", json_string(failed > 0 ? "rejected" : "accepted"));
    return report;
}

int verify_srtp(const verify_options *o, const cli_ctx *cli)
{
    cs_srtp_result results[CS_SRTP_SUITE_COUNT];
    cs_error err;
    int rc = cs_srtp_check(results, &err);
    if (rc == CS_ERROR)
        return cli_fail(cli, rc, "%s", err.message);
    size_t failed = 0;
    for (size_t i = 0; i < CS_SRTP_SUITE_COUNT; i++)
        failed += !results[i].ok;
    if (o->json) {
        rc = json_emit(srtp_json(results, failed), cli);
        return cli_finish(cli, rc != CS_OK ? rc : failed > 0 ? CS_INVALID : CS_OK);
    }
    printf("%s\n", cs_srtp_version());
    for (size_t i = 0; i < CS_SRTP_SUITE_COUNT; i++) {
        const cs_srtp_result *r = &results[i];
        if (r->ok)
            printf("%-24s OK: RTP and RTCP protected and unprotected, tampering refused\n",
                   r->suite);
        else
            printf("%-24s FAILED: %s\n", r->suite, r->detail);
    }
    if (failed > 0)
        printf("Rejected: %zu of %d suites do not work: phones offering them get no "
               "encrypted media\n",
               failed, CS_SRTP_SUITE_COUNT);
    else
        printf("Accepted: every suite phones offer works\n");
    return cli_finish(cli, failed > 0 ? CS_INVALID : rc);
}
