/* SPDX-License-Identifier: MIT */
/* The plaintext companion .sgn of an encrypted configuration: the
 * elements a phone needs before it can decrypt (encconfig.h). */
#include "ciscosec/encconfig.h"

#include <string.h>

#include "ciscosec/xml.h"

/* The top-level elements the phone needs before it can decrypt. */
static bool is_copied_element(const cs_xml_node *node)
{
    static const char *const names[] = {"ipAddressMode", "loadInformation", "capfAuthMode",
                                        "capfList"};
    if (node->kind != CS_XML_ELEMENT)
        return false;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(node->name, names[i]) == 0)
            return true;
    return false;
}

static int cert_md5_hex(const cs_cert *cert, char hex[33], cs_error *err)
{
    uint8_t md5[CS_MAX_DIGEST_SIZE];
    cs_bytes der = cs_cert_der(cert);
    int rc = cs_digest(CS_MD_MD5, der.data, der.len, md5, err);
    if (rc == CS_OK)
        cs_hex(md5, 16, hex);
    return rc;
}

static void write_text_element(const char *name, const char *text, cs_buf *out)
{
    cs_buf_append_cstr(out, "  <");
    cs_buf_append_cstr(out, name);
    cs_buf_append_byte(out, '>');
    cs_xml_write_text(text, out);
    cs_buf_append_cstr(out, "</");
    cs_buf_append_cstr(out, name);
    cs_buf_append_cstr(out, ">\n");
}

/* The companion document: <device> with the fixed elements around copies
 * of the input's, laid out as the reference's (libxml2's indented output:
 * the declaration, two spaces a level, a newline at the end). */
static void write_companion(const cs_xml_node *config_root, const char *cert_hash, cs_buf *out)
{
    cs_buf_append_cstr(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<device>\n");
    write_text_element("fullConfig", "false", out);
    for (const cs_xml_node *n = config_root->children; n != NULL; n = n->next) {
        if (!is_copied_element(n))
            continue;
        cs_buf_append_cstr(out, "  ");
        cs_xml_write(n, 1, out);
        cs_buf_append_byte(out, '\n');
    }
    write_text_element("certHash", cert_hash, out);
    write_text_element("encrConfig", "true", out);
    cs_buf_append_cstr(out, "</device>\n");
}

int cs_enc_companion_body(const uint8_t *xml, size_t len, const cs_cert *device, cs_buf *out,
                          cs_error *err)
{
    char cert_hash[33];
    int rc = cert_md5_hex(device, cert_hash, err);
    if (rc != CS_OK)
        return rc;
    cs_xml_doc *config = NULL;
    rc = cs_xml_parse_config(xml, len, &config, err);
    if (rc != CS_OK)
        return rc;
    cs_buf body = CS_BUF_INIT;
    write_companion(cs_xml_root(config), cert_hash, &body);
    cs_xml_free(config);
    if (!body.failed)
        cs_buf_append(out, body.data, body.len);
    cs_buf_release(&body);
    if (body.failed || out->failed)
        return cs_fail(err, CS_ERROR, "out of memory");
    return CS_OK;
}
