/* SPDX-License-Identifier: MIT */
/* verify tftpboot: a TFTP directory audited file by file, as the phones
 * that fetch from it would see it. */
#include <stdio.h>

#include "ciscosec/phone.h"
#include "../cli.h"
#include "../json.h"
#include "../report.h"
#include "verify.h"

static json_t *counts_json(const cs_tftpboot_counts *c)
{
    json_t *o = json_object();
    json_object_set_new(o, "files_checked", json_integer((json_int_t)c->files));
    json_object_set_new(o, "trust_lists", json_integer((json_int_t)c->trust_lists));
    json_object_set_new(o, "configuration_files", json_integer((json_int_t)c->xml_files));
    json_object_set_new(o, "signed_files", json_integer((json_int_t)c->signed_files));
    json_object_set_new(o, "phone_configurations_read", json_integer((json_int_t)c->configs));
    json_object_set_new(o, "phone_configurations_encrypted",
                        json_integer((json_int_t)c->encrypted));
    return o;
}

static void print_counts(const cs_tftpboot_counts *c)
{
    printf("  %-30s %zu\n", "files checked", c->files);
    printf("  %-30s %zu\n", "  trust lists (*.tlv)", c->trust_lists);
    printf("  %-30s %zu\n", "  configuration files (*.xml)", c->xml_files);
    printf("  %-30s %zu\n", "  signed files (*.sgn)", c->signed_files);
    printf("  %-30s %zu\n", "phone configurations read", c->configs);
    if (c->encrypted > 0)
        printf("  %-30s %zu (their security settings cannot be read here)\n",
               "phone configurations encrypted", c->encrypted);
}

static void print_rule_table(const cs_findings *f)
{
    if (f->count == 0) {
        printf("  no problems\n");
        return;
    }
    printf("  %-18s %-8s %-8s %s\n", "rule", "severity", "problems", "meaning");
    for (int r = 0; r < CS_RULE_COUNT; r++) {
        size_t n = cs_findings_count_rule(f, (cs_rule)r);
        if (n > 0)
            printf("  %-18s %-8s %8zu %s\n", cs_rule_id((cs_rule)r),
                   cs_severity_name(cs_rule_severity((cs_rule)r)), n, cs_rule_summary((cs_rule)r));
    }
}

int verify_tftpboot(const verify_options *o, const cli_ctx *cli)
{
    const char *dir = o->operands[0];
    cs_findings f = verify_findings_new(o);
    report_out out = verify_report_new(o);
    cs_tftpboot_counts counts;
    cs_error err;
    int rc = cs_phone_check_tftpboot(dir, o->now, &f, &counts, &err);
    if (rc != CS_OK) {
        cli_file_fail(cli, dir, rc, &err);
    } else if (out.report != NULL) {
        json_object_set_new(out.report, "summary", counts_json(&counts));
        report_findings(&out, &f, 0);
        report_findings_verdict(&out, &f);
        rc = verify_status(&f, false, cli);
    } else {
        report_findings(&out, &f, 0);
        if (f.count > 0)
            putchar('\n');
        printf("Summary of %s\n", dir);
        print_counts(&counts);
        putchar('\n');
        print_rule_table(&f);
        putchar('\n');
        report_findings_verdict(&out, &f);
        rc = verify_status(&f, false, cli);
    }
    cs_findings_release(&f);
    return report_out_finish(&out, rc, cli);
}
