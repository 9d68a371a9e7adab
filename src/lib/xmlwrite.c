/* SPDX-License-Identifier: MIT */
/* Writing XML (xml.h) as libxml2's indented output writes it: the
 * companion of an encrypted configuration stays byte for byte what the
 * reference (lxml, over libxml2) writes. tests/data/xml has the cases. */
#include <stdbool.h>
#include <string.h>

#include "ciscosec/xml.h"

/* libxml2 indents at most 30 levels (60 spaces), and so do we. */
#define MAX_INDENT_LEVELS 30

static void write_escaped(const char *s, bool attribute, cs_buf *out)
{
    for (; *s != '\0'; s++) {
        switch (*s) {
        case '<':
            cs_buf_append_cstr(out, "&lt;");
            break;
        case '>':
            cs_buf_append_cstr(out, "&gt;");
            break;
        case '&':
            cs_buf_append_cstr(out, "&amp;");
            break;
        case '\r':
            cs_buf_append_cstr(out, "&#13;");
            break;
        case '"':
            cs_buf_append_cstr(out, attribute ? "&quot;" : "\"");
            break;
        case '\n':
            cs_buf_append_cstr(out, attribute ? "&#10;" : "\n");
            break;
        case '\t':
            cs_buf_append_cstr(out, attribute ? "&#9;" : "\t");
            break;
        default:
            cs_buf_append_byte(out, (uint8_t)*s);
        }
    }
}

void cs_xml_write_text(const char *s, cs_buf *out)
{
    write_escaped(s, false, out);
}

static void indent(int level, cs_buf *out)
{
    int n = level < MAX_INDENT_LEVELS ? level : MAX_INDENT_LEVELS;
    for (int i = 0; i < 2 * n; i++)
        cs_buf_append_byte(out, ' ');
}

static bool is_namespace_declaration(const char *name)
{
    return strcmp(name, "xmlns") == 0 || strncmp(name, "xmlns:", 6) == 0;
}

/* libxml2 writes namespace declarations before the other attributes. */
static void write_attrs(char *const *attrs, cs_buf *out)
{
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; attrs[i] != NULL; i += 2) {
            if (is_namespace_declaration(attrs[i]) != (pass == 0))
                continue;
            cs_buf_append_byte(out, ' ');
            cs_buf_append_cstr(out, attrs[i]);
            cs_buf_append_cstr(out, "=\"");
            write_escaped(attrs[i + 1], true, out);
            cs_buf_append_byte(out, '"');
        }
    }
}

/* libxml2 lays children out one a line only when none of them is text. */
static bool children_indented(const cs_xml_node *node)
{
    for (const cs_xml_node *n = node->children; n != NULL; n = n->next)
        if (n->kind == CS_XML_TEXT || n->kind == CS_XML_CDATA)
            return false;
    return true;
}

static void write_node(const cs_xml_node *node, int level, bool format, cs_buf *out);

static void write_element(const cs_xml_node *node, int level, bool format, cs_buf *out)
{
    cs_buf_append_byte(out, '<');
    cs_buf_append_cstr(out, node->name);
    write_attrs(node->attrs, out);
    if (node->children == NULL) {
        cs_buf_append_cstr(out, "/>");
        return;
    }
    cs_buf_append_byte(out, '>');
    bool lines = format && children_indented(node);
    if (lines)
        cs_buf_append_byte(out, '\n');
    for (const cs_xml_node *n = node->children; n != NULL; n = n->next) {
        if (lines)
            indent(level + 1, out);
        write_node(n, level + 1, lines, out);
        if (lines)
            cs_buf_append_byte(out, '\n');
    }
    if (lines)
        indent(level, out);
    cs_buf_append_cstr(out, "</");
    cs_buf_append_cstr(out, node->name);
    cs_buf_append_byte(out, '>');
}

static void write_node(const cs_xml_node *node, int level, bool format, cs_buf *out)
{
    switch (node->kind) {
    case CS_XML_ELEMENT:
        write_element(node, level, format, out);
        break;
    case CS_XML_TEXT:
        write_escaped(node->text, false, out);
        break;
    case CS_XML_CDATA:
        cs_buf_append_cstr(out, "<![CDATA[");
        cs_buf_append_cstr(out, node->text);
        cs_buf_append_cstr(out, "]]>");
        break;
    case CS_XML_COMMENT:
        cs_buf_append_cstr(out, "<!--");
        cs_buf_append_cstr(out, node->text);
        cs_buf_append_cstr(out, "-->");
        break;
    case CS_XML_PI:
        cs_buf_append_cstr(out, "<?");
        cs_buf_append_cstr(out, node->name);
        if (node->text != NULL) {
            cs_buf_append_byte(out, ' ');
            cs_buf_append_cstr(out, node->text);
        }
        cs_buf_append_cstr(out, "?>");
        break;
    }
}

void cs_xml_write(const cs_xml_node *node, int level, cs_buf *out)
{
    write_node(node, level, true, out);
}
