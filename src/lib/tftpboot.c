/* SPDX-License-Identifier: MIT */
/* The audit of a whole provisioning directory (cs_phone_check_tftpboot in
 * phone.h): the trust lists at its top, each phone's configuration, and
 * the signed and encrypted files the phones download.
 *
 * "Downloaded" here means: every *.xml file anywhere under the directory
 * (a phone's own SEP<MAC>.cnf.xml, and the shared ones such as
 * SoftKeys.xml, DialTemplate.xml or New_Zealand/g3-tones.xml), and every
 * *.sgn and *.enc.sgn. Firmware (.sha512, .sbn, .loads) is signed by
 * Cisco, not by the TFTP certificate, and is left alone. Hidden files and
 * directories (".name", e.g. temporary files) are skipped, and symbolic
 * links to directories are not followed. */
#include "ciscosec/phone.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ciscosec/encconfig.h"
#include "ciscosec/fileio.h"
#include "ciscosec/header.h"
#include "ciscosec/xml.h"

#define MAX_DEPTH 8
#define MAX_FILES 100000
#define MAC_LEN 12

/* A trust list at the top of the directory. */
typedef struct tb_list {
    char *name;
    cs_buf data;
    cs_trustlist tl;
    bool parsed;
} tb_list;

typedef struct tb_ctx {
    const char *dir;
    int64_t now;
    char **files; /* relative paths, sorted */
    size_t nfiles;
    tb_list *lists;
    size_t nlists;
    cs_findings *out;
    cs_tftpboot_counts *counts;
    cs_error *err;
} tb_ctx;

/* --- names ------------------------------------------------------------- */

static char *join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    if (p != NULL)
        snprintf(p, n, "%s/%s", a, b);
    return p;
}

/* "PREFIX<12 hex digits>SUFFIX": copies the MAC into mac. */
static bool match_mac(const char *name, const char *prefix, const char *suffix,
                      char mac[MAC_LEN + 1])
{
    size_t p = strlen(prefix), s = strlen(suffix), n = strlen(name);
    if (n != p + MAC_LEN + s || strncmp(name, prefix, p) != 0 || strcmp(name + p + MAC_LEN, suffix))
        return false;
    for (size_t i = 0; i < MAC_LEN; i++)
        if (!isxdigit((unsigned char)name[p + i]))
            return false;
    memcpy(mac, name + p, MAC_LEN);
    mac[MAC_LEN] = '\0';
    return true;
}

/* The MAC of a phone's own configuration file at the top of the
 * directory, in any of its forms. */
static bool config_mac(const char *rel, char mac[MAC_LEN + 1])
{
    return match_mac(rel, "SEP", ".cnf.xml", mac) || match_mac(rel, "SEP", ".cnf.xml.sgn", mac) ||
           match_mac(rel, "SEP", ".cnf.xml.enc.sgn", mac);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_file(const tb_ctx *c, const char *rel)
{
    return bsearch(&rel, c->files, c->nfiles, sizeof *c->files, cmp_str) != NULL;
}

/* --- the walk ---------------------------------------------------------- */

typedef struct file_list {
    char **names;
    size_t count, cap;
} file_list;

static int add_name(file_list *l, char *name, cs_error *err)
{
    if (name == NULL)
        return cs_fail(err, CS_ERROR, "out of memory");
    if (l->count == MAX_FILES) {
        free(name);
        return cs_fail(err, CS_ERROR, "more than %d files", MAX_FILES);
    }
    if (l->count == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        char **names = realloc(l->names, cap * sizeof *names);
        if (names == NULL) {
            free(name);
            return cs_fail(err, CS_ERROR, "out of memory");
        }
        l->names = names;
        l->cap = cap;
    }
    l->names[l->count++] = name;
    return CS_OK;
}

static int walk(const char *root, const char *rel, int depth, file_list *l, cs_error *err);

static int visit(const char *root, const char *rel, const char *entry, int depth, file_list *l,
                 cs_error *err)
{
    char *child = rel[0] ? join(rel, entry) : strdup(entry);
    char *path = child ? join(root, child) : NULL;
    int rc = CS_OK;
    struct stat st;
    if (path == NULL) {
        rc = cs_fail(err, CS_ERROR, "out of memory");
    } else if (lstat(path, &st) != 0) {
        rc = cs_fail(err, CS_ERROR, "'%s': %s", path, strerror(errno));
    } else if (S_ISDIR(st.st_mode)) {
        if (depth < MAX_DEPTH)
            rc = walk(root, child, depth + 1, l, err);
    } else if (S_ISREG(st.st_mode) ||
               (S_ISLNK(st.st_mode) && stat(path, &st) == 0 && S_ISREG(st.st_mode))) {
        rc = add_name(l, child, err);
        child = NULL; /* the list owns it */
    }
    free(path);
    free(child);
    return rc;
}

static int walk(const char *root, const char *rel, int depth, file_list *l, cs_error *err)
{
    char *path = rel[0] ? join(root, rel) : strdup(root);
    if (path == NULL)
        return cs_fail(err, CS_ERROR, "out of memory");
    DIR *d = opendir(path);
    if (d == NULL) {
        int rc = cs_fail(err, CS_ERROR, "'%s': %s", path, strerror(errno));
        free(path);
        return rc;
    }
    int rc = CS_OK;
    struct dirent *e;
    while (rc == CS_OK && (e = readdir(d)) != NULL)
        if (e->d_name[0] != '.')
            rc = visit(root, rel, e->d_name, depth, l, err);
    closedir(d);
    free(path);
    return rc;
}

/* --- trust lists ------------------------------------------------------- */

static const tb_list *find_list(const tb_ctx *c, const char *name)
{
    for (size_t i = 0; i < c->nlists; i++)
        if (c->lists[i].parsed && strcmp(c->lists[i].name, name) == 0)
            return &c->lists[i];
    return NULL;
}

static int load_list(tb_ctx *c, const char *rel)
{
    tb_list *l = &c->lists[c->nlists];
    *l = (tb_list){.name = strdup(rel), .data = CS_BUF_INIT};
    char *path = join(c->dir, rel);
    if (l->name == NULL || path == NULL) {
        free(path);
        free(l->name);
        return cs_fail(c->err, CS_ERROR, "out of memory");
    }
    c->nlists++;
    int rc = cs_read_file(path, CS_TL_MAX_FILE_SIZE, &l->data, c->err);
    if (rc != CS_OK)
        cs_error_prefix(c->err, "'%s'", path);
    free(path);
    if (rc != CS_OK)
        return rc;
    c->counts->trust_lists++;
    rc = cs_phone_check_trustlist(rel, l->data.data, l->data.len, c->now, c->out, c->err);
    if (rc == CS_OK)
        l->parsed = cs_trustlist_parse(l->data.data, l->data.len, &l->tl, NULL) == CS_OK;
    return rc;
}

static bool is_top_list(const char *rel)
{
    return strchr(rel, '/') == NULL && cs_path_has_suffix(rel, CS_SUFFIX_TLV);
}

static int load_lists(tb_ctx *c)
{
    size_t n = 0;
    for (size_t i = 0; i < c->nfiles; i++)
        n += is_top_list(c->files[i]);
    c->lists = calloc(n ? n : 1, sizeof *c->lists);
    if (c->lists == NULL)
        return cs_fail(c->err, CS_ERROR, "out of memory");
    int rc = CS_OK;
    for (size_t i = 0; rc == CS_OK && i < c->nfiles; i++)
        if (is_top_list(c->files[i]))
            rc = load_list(c, c->files[i]);
    if (rc == CS_OK && !has_file(c, "ITLFile.tlv"))
        cs_findings_add(c->out, CS_RULE_NO_TRUST_LIST, "ITLFile.tlv", NULL,
                        "the directory has no ITLFile.tlv: phones without their own "
                        "ITLSEP<MAC>.tlv get no trust list, and cannot use secure mode or "
                        "check signed files");
    return rc;
}

static void release_lists(tb_ctx *c)
{
    for (size_t i = 0; i < c->nlists; i++) {
        if (c->lists[i].parsed)
            cs_trustlist_release(&c->lists[i].tl);
        cs_buf_release(&c->lists[i].data);
        free(c->lists[i].name);
    }
    free(c->lists);
}

/* The trust list of the phone with this MAC: its own ITLSEP<MAC>.tlv,
 * else ITLFile.tlv; NULL when it has none (or none that parses). */
static const tb_list *phone_list(const tb_ctx *c, const char *mac)
{
    char name[64];
    snprintf(name, sizeof name, "ITLSEP%s.tlv", mac);
    const tb_list *l = find_list(c, name);
    return l != NULL ? l : find_list(c, "ITLFile.tlv");
}

static bool is_phone_list(const tb_list *l)
{
    char mac[MAC_LEN + 1];
    return l->parsed && (strcmp(l->name, "ITLFile.tlv") == 0 ||
                         match_mac(l->name, "ITLSEP", CS_SUFFIX_TLV, mac));
}

static cs_phone_list as_phone_list(const tb_list *l)
{
    return (cs_phone_list){l->name, &l->tl};
}

/* The trust lists under which phones judge a downloaded file: the phone's
 * own for its SEP<MAC> configuration, else every phone's. With
 * `signing_only`, only those that make phones insist on signed files. */
static size_t lists_for(const tb_ctx *c, const char *rel, bool signing_only, cs_phone_list *out)
{
    char mac[MAC_LEN + 1];
    size_t n = 0;
    if (config_mac(rel, mac)) {
        const tb_list *l = phone_list(c, mac);
        if (l != NULL && (!signing_only || cs_phone_file_signer(&l->tl, NULL) != NULL))
            out[n++] = as_phone_list(l);
        return n;
    }
    for (size_t i = 0; i < c->nlists; i++) {
        const tb_list *l = &c->lists[i];
        if (is_phone_list(l) && (!signing_only || cs_phone_file_signer(&l->tl, NULL) != NULL))
            out[n++] = as_phone_list(l);
    }
    return n;
}

/* --- XML --------------------------------------------------------------- */

/* The trimmed text of the first element called name (in document order),
 * into out; false when there is none. */
static bool element_text(const cs_xml_doc *doc, const char *name, char *out, size_t size)
{
    const cs_xml_node *node = cs_xml_find(cs_xml_root(doc), name);
    if (node == NULL)
        return false;
    cs_xml_text(node, out, size);
    return true;
}

/* --- reading files ----------------------------------------------------- */

static int read_rel(const tb_ctx *c, const char *rel, cs_buf *out)
{
    char *path = join(c->dir, rel);
    if (path == NULL)
        return cs_fail(c->err, CS_ERROR, "out of memory");
    out->secret = true; /* configurations hold passwords */
    int rc = cs_read_file(path, CS_ENC_MAX_CONFIG_SIZE, out, c->err);
    if (rc != CS_OK)
        cs_error_prefix(c->err, "'%s'", path);
    free(path);
    return rc;
}

/* A signed file read whole, with its header parsed; *ok false (and no
 * finding: the signed-file checks report it) when the header is bad. */
typedef struct tb_signed {
    cs_buf data;
    cs_header hdr;
    bool ok;
} tb_signed;

static int read_signed(const tb_ctx *c, const char *rel, tb_signed *s)
{
    *s = (tb_signed){.data = CS_BUF_INIT};
    int rc = read_rel(c, rel, &s->data);
    if (rc == CS_OK)
        s->ok = cs_header_parse(s->data.data, s->data.len, s->data.len, &s->hdr, NULL) == CS_OK;
    return rc;
}

static cs_bytes signed_body(const tb_signed *s)
{
    return (cs_bytes){s->data.data + s->hdr.length, s->data.len - s->hdr.length};
}

/* --- phones' configurations -------------------------------------------- */

static void check_secure_mode(tb_ctx *c, const char *rel, const cs_xml_doc *doc, const char *mac)
{
    char mode[16], transport[16];
    if (!element_text(doc, "deviceSecurityMode", mode, sizeof mode) ||
        (strcmp(mode, "2") != 0 && strcmp(mode, "3") != 0))
        return;
    const char *what = mode[0] == '2' ? "authenticated" : "encrypted";
    if (!element_text(doc, "transportLayerProtocol", transport, sizeof transport))
        cs_findings_add(c->out, CS_RULE_CONFIG_TRANSPORT, rel, NULL,
                        "deviceSecurityMode %s (%s) needs transportLayerProtocol 3 (TLS), and "
                        "there is none",
                        mode, what);
    else if (strcmp(transport, "3") != 0)
        cs_findings_add(c->out, CS_RULE_CONFIG_TRANSPORT, rel, NULL,
                        "deviceSecurityMode %s (%s) needs transportLayerProtocol 3 (TLS), not "
                        "%s",
                        mode, what, transport);

    const tb_list *l = phone_list(c, mac);
    if (l == NULL) {
        cs_findings_add(c->out, CS_RULE_CONFIG_CCM_CERT, rel, NULL,
                        "deviceSecurityMode %s needs a CCM or CCM+TFTP certificate in the "
                        "phone's trust list, and it has none (no usable ITLSEP%s.tlv or "
                        "ITLFile.tlv)",
                        mode, mac);
        return;
    }
    for (size_t i = 0; i < l->tl.count; i++) {
        const cs_tl_record *rec = &l->tl.records[i];
        if (rec->has_role && (rec->role == CS_ROLE_CCM || rec->role == CS_ROLE_CCM_TFTP))
            return;
    }
    cs_findings_add(c->out, CS_RULE_CONFIG_CCM_CERT, rel, NULL,
                    "deviceSecurityMode %s needs a CCM or CCM+TFTP certificate in the phone's "
                    "trust list %s, which holds none: phones cannot verify the PBX",
                    mode, l->name);
}

static bool is_encrypted_stub(const cs_xml_doc *doc)
{
    char value[16];
    return element_text(doc, "encrConfig", value, sizeof value) && strcmp(value, "true") == 0;
}

/* One phone's configuration: read from SEP<MAC>.cnf.xml, else from the
 * body of its .sgn; an encrypted one cannot be read here. */
static int check_phone_config(tb_ctx *c, const char *mac)
{
    char plain[64], sgn[64], enc[64];
    snprintf(plain, sizeof plain, "SEP%s.cnf.xml", mac);
    snprintf(sgn, sizeof sgn, "SEP%s.cnf.xml.sgn", mac);
    snprintf(enc, sizeof enc, "SEP%s.cnf.xml.enc.sgn", mac);
    const char *rel = has_file(c, plain) ? plain : has_file(c, sgn) ? sgn : NULL;
    if (rel == NULL) {
        c->counts->encrypted++;
        return CS_OK;
    }
    tb_signed s;
    int rc = read_signed(c, rel, &s);
    if (rc != CS_OK || (rel == sgn && !s.ok)) {
        cs_buf_release(&s.data);
        return rc; /* a bad header is the signed-file checks' finding */
    }
    cs_bytes xml = rel == sgn ? signed_body(&s) : cs_buf_bytes(&s.data);
    cs_error why;
    cs_xml_doc *doc = NULL;
    if (cs_xml_parse_config(xml.data, xml.len, &doc, &why) != CS_OK) {
        cs_findings_add(c->out, CS_RULE_FORMAT, rel, NULL,
                        "not a phone configuration phones can read: %s", why.message);
    } else if (rel == sgn && is_encrypted_stub(doc)) {
        c->counts->encrypted++;
        if (!has_file(c, enc))
            cs_findings_add(c->out, CS_RULE_ENC_COMPANION, rel, NULL,
                            "says encrConfig true, but %s is missing: phones find no "
                            "configuration",
                            enc);
    } else {
        c->counts->configs++;
        check_secure_mode(c, rel, doc, mac);
        const tb_list *l = phone_list(c, mac);
        cs_phone_list list = l != NULL ? as_phone_list(l) : (cs_phone_list){0};
        cs_phone_check_config_servers(rel, doc, l != NULL ? &list : NULL, mac, c->out);
    }
    cs_xml_free(doc);
    cs_buf_release(&s.data);
    return CS_OK;
}

static int check_configs(tb_ctx *c)
{
    char last[MAC_LEN + 1] = "";
    for (size_t i = 0; i < c->nfiles; i++) {
        char mac[MAC_LEN + 1];
        /* Sorted names put a phone's forms side by side: once per MAC. */
        if (!config_mac(c->files[i], mac) || strcmp(mac, last) == 0)
            continue;
        memcpy(last, mac, sizeof last);
        int rc = check_phone_config(c, mac);
        if (rc != CS_OK)
            return rc;
    }
    return CS_OK;
}

/* --- signed and encrypted files ---------------------------------------- */

/* rel without its last `n` characters. */
static char *without_suffix(const char *rel, size_t n)
{
    size_t len = strlen(rel);
    return strndup(rel, len > n ? len - n : 0);
}

/* The .sgn beside a file should hold the file: one that differs was
 * signed before the file was last changed. */
static int check_stale(tb_ctx *c, const char *rel, const char *sgn)
{
    cs_buf plain = CS_BUF_INIT;
    tb_signed s;
    int rc = read_rel(c, rel, &plain);
    if (rc == CS_OK)
        rc = read_signed(c, sgn, &s);
    else
        s = (tb_signed){.data = CS_BUF_INIT};
    if (rc == CS_OK && s.ok) {
        cs_bytes body = signed_body(&s);
        if (body.len != plain.len || (body.len && memcmp(body.data, plain.data, body.len) != 0))
            cs_findings_add(c->out, CS_RULE_SGN_STALE, sgn, NULL,
                            "its body is not %s: the file changed after it was signed, and "
                            "phones get the old content",
                            rel);
    }
    cs_buf_release(&plain);
    cs_buf_release(&s.data);
    return rc;
}

static int check_xml_file(tb_ctx *c, const char *rel, cs_phone_list *lists)
{
    c->counts->xml_files++;
    size_t n = lists_for(c, rel, true, lists);
    char *sgn = cs_path_append(rel, CS_SUFFIX_SGN);
    char *enc = cs_path_append(rel, CS_SUFFIX_ENC_SGN);
    int rc = CS_OK;
    if (sgn == NULL || enc == NULL) {
        rc = cs_fail(c->err, CS_ERROR, "out of memory");
    } else if (has_file(c, enc)) {
        cs_findings_add(c->out, CS_RULE_ENC_PLAINTEXT, rel, NULL,
                        "the plaintext of %s is here for anyone to download (enc build "
                        "removes it)",
                        enc);
    } else if (n > 0 && !has_file(c, sgn)) {
        size_t index = 0;
        const cs_tl_record *signer = cs_phone_file_signer(lists[0].tl, &index);
        cs_cert_ref ref = cs_cert_ref_record(signer, index);
        cs_findings_add(c->out, CS_RULE_SGN_MISSING, rel, &ref,
                        "%s is missing: phones holding %s%s (which has an RSA TFTP "
                        "certificate) take only signed configuration files",
                        sgn, lists[0].name, n > 1 ? " and other lists" : "");
    } else if (has_file(c, sgn)) {
        rc = check_stale(c, rel, sgn);
    }
    free(sgn);
    free(enc);
    return rc;
}

/* Whether rel is the .sgn of an encrypted configuration, or the .enc.sgn. */
static bool is_encrypted_part(const tb_ctx *c, const char *rel)
{
    if (cs_path_has_suffix(rel, CS_SUFFIX_ENC_SGN))
        return true;
    char *base = without_suffix(rel, strlen(CS_SUFFIX_SGN));
    char *enc = base ? cs_path_append(base, CS_SUFFIX_ENC_SGN) : NULL;
    bool yes = enc != NULL && has_file(c, enc);
    free(base);
    free(enc);
    return yes;
}

static int check_signed(tb_ctx *c, const char *rel, cs_phone_list *lists)
{
    c->counts->signed_files++;
    char mac[MAC_LEN + 1];
    /* A phone that is sent an encrypted configuration must verify it, so
     * its list must hold the signer whether or not it insists on signed
     * files otherwise. */
    bool encrypted = is_encrypted_part(c, rel);
    size_t n = lists_for(c, rel, !encrypted, lists);
    if (encrypted && n == 0 && config_mac(rel, mac))
        cs_findings_add(c->out, CS_RULE_SGN_SIGNER, rel, NULL,
                        "the phone has no trust list (no usable ITLSEP%s.tlv or ITLFile.tlv) "
                        "to verify its encrypted configuration with",
                        mac);
    char *path = join(c->dir, rel);
    if (path == NULL)
        return cs_fail(c->err, CS_ERROR, "out of memory");
    int rc = cs_phone_check_signed_file(path, rel, lists, n, c->out, c->err);
    if (rc != CS_OK)
        cs_error_prefix(c->err, "'%s'", path);
    free(path);
    return rc;
}

/* X.enc.sgn and X.sgn travel together: the .sgn tells the phone (by
 * encrConfig) to fetch the encrypted file and (by certHash) which of its
 * certificates decrypts it, and both come from the same TFTP signer. */
static int check_companion(tb_ctx *c, const char *enc_rel)
{
    char *base = without_suffix(enc_rel, strlen(CS_SUFFIX_ENC_SGN));
    char *sgn = base ? cs_path_append(base, CS_SUFFIX_SGN) : NULL;
    if (sgn == NULL) {
        free(base);
        return cs_fail(c->err, CS_ERROR, "out of memory");
    }
    int rc = CS_OK;
    tb_signed e = {.data = CS_BUF_INIT}, s = {.data = CS_BUF_INIT};
    if (!has_file(c, sgn)) {
        cs_findings_add(c->out, CS_RULE_ENC_COMPANION, enc_rel, NULL,
                        "its companion %s is missing: phones fetch that first to learn that "
                        "their configuration is encrypted",
                        sgn);
    } else if ((rc = read_signed(c, enc_rel, &e)) == CS_OK &&
               (rc = read_signed(c, sgn, &s)) == CS_OK && e.ok && s.ok) {
        char hash[128];
        cs_error why;
        cs_bytes body = signed_body(&s);
        cs_xml_doc *doc = NULL;
        if (cs_xml_parse_config(body.data, body.len, &doc, &why) != CS_OK)
            cs_findings_add(c->out, CS_RULE_ENC_COMPANION, sgn, NULL,
                            "the companion of %s is not a configuration phones can read: %s",
                            enc_rel, why.message);
        else if (!is_encrypted_stub(doc))
            cs_findings_add(c->out, CS_RULE_ENC_COMPANION, sgn, NULL,
                            "does not say encrConfig true: phones take it as their whole "
                            "configuration and never fetch %s",
                            enc_rel);
        if (doc != NULL && (!element_text(doc, "certHash", hash, sizeof hash) || hash[0] == 0))
            cs_findings_add(c->out, CS_RULE_ENC_COMPANION, sgn, NULL,
                            "has no certHash: phones cannot tell which of their certificates "
                            "decrypts %s",
                            enc_rel);
        cs_xml_free(doc);
        cs_cert_ref ref = cs_cert_ref_header(&s.hdr);
        bool same =
            e.hdr.serial.len == s.hdr.serial.len &&
            memcmp(e.hdr.serial.data, s.hdr.serial.data, s.hdr.serial.len) == 0 &&
            e.hdr.issuer_name.len == s.hdr.issuer_name.len &&
            memcmp(e.hdr.issuer_name.data, s.hdr.issuer_name.data, s.hdr.issuer_name.len) == 0;
        if (!same)
            cs_findings_add(c->out, CS_RULE_ENC_COMPANION, sgn, &ref,
                            "signed by a different certificate than %s", enc_rel);
    }
    cs_buf_release(&e.data);
    cs_buf_release(&s.data);
    free(base);
    free(sgn);
    return rc;
}

static int check_downloads(tb_ctx *c)
{
    cs_phone_list *lists = calloc(c->nlists + 1, sizeof *lists);
    if (lists == NULL)
        return cs_fail(c->err, CS_ERROR, "out of memory");
    int rc = CS_OK;
    for (size_t i = 0; rc == CS_OK && i < c->nfiles; i++) {
        const char *rel = c->files[i];
        if (cs_path_has_suffix(rel, ".xml"))
            rc = check_xml_file(c, rel, lists);
        else if (cs_path_has_suffix(rel, CS_SUFFIX_SGN))
            rc = check_signed(c, rel, lists);
        if (rc == CS_OK && cs_path_has_suffix(rel, CS_SUFFIX_ENC_SGN))
            rc = check_companion(c, rel);
    }
    free(lists);
    return rc;
}

/* --- the audit --------------------------------------------------------- */

int cs_phone_check_tftpboot(const char *dir, int64_t now, cs_findings *out,
                            cs_tftpboot_counts *counts, cs_error *err)
{
    *counts = (cs_tftpboot_counts){0};
    struct stat st;
    if (stat(dir, &st) != 0)
        return cs_fail(err, CS_ERROR, "%s", strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return cs_fail(err, CS_ERROR, "not a directory");

    file_list files = {0};
    tb_ctx c = {.dir = dir, .now = now, .out = out, .counts = counts, .err = err};
    int rc = walk(dir, "", 0, &files, err);
    if (rc == CS_OK) {
        qsort(files.names, files.count, sizeof *files.names, cmp_str);
        c.files = files.names;
        c.nfiles = files.count;
        rc = load_lists(&c);
    }
    if (rc == CS_OK)
        rc = check_configs(&c);
    if (rc == CS_OK)
        rc = check_downloads(&c);
    counts->files = counts->trust_lists + counts->xml_files + counts->signed_files;
    release_lists(&c);
    for (size_t i = 0; i < files.count; i++)
        free(files.names[i]);
    free(files.names);
    if (rc == CS_OK && out->failed)
        rc = cs_fail(err, CS_ERROR, "out of memory");
    return rc;
}
