/* SPDX-License-Identifier: MIT */
/* Phone configurations as XML: the one module that reads and writes XML.
 *
 * Every document is read here, with expat, under the same rules. expat is
 * loaded by the first parse (dynlib.h), so a command that reads no XML
 * never loads it; when it is missing, the parse fails naming it and its
 * Debian package. The rules:
 *   - no DOCTYPE at all (phone configurations have none), so no entity
 *     declaration, no external entity, no network access: expat loads
 *     nothing by itself, and a DOCTYPE stops the parse;
 *   - the root element is <device>;
 *   - every byte the parser or the tree holds comes from an allocator that
 *     wipes each block before freeing it, since configurations hold
 *     passwords. The allocator is the parser's own (XML_ParserCreate_MM):
 *     there is no global set-up to forget.
 *
 * The tree keeps what libxml2 kept with XML_PARSE_NOBLANKS (whitespace
 * between elements dropped), and cs_xml_write writes an element the way
 * libxml2's indented output does, so that the companion of an encrypted
 * configuration is byte for byte what it was. */
#ifndef CISCOSEC_XML_H
#define CISCOSEC_XML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ciscosec/buf.h"
#include "ciscosec/error.h"

typedef enum cs_xml_kind {
    CS_XML_ELEMENT,
    CS_XML_TEXT,
    CS_XML_CDATA,
    CS_XML_COMMENT,
    CS_XML_PI
} cs_xml_kind;

typedef struct cs_xml_node {
    cs_xml_kind kind;
    char *name;   /* an element's name, a processing instruction's target */
    char *text;   /* text, CDATA, comment or PI data; NULL for an element
                     and for a PI without data (<?pi?>) */
    char **attrs; /* an element's attributes: name, value, ..., NULL */
    struct cs_xml_node *children, *last_child, *next;
} cs_xml_node;

typedef struct cs_xml_doc cs_xml_doc;

/* "expat 2.5.0": the XML library in use, once a parse has loaded it;
 * before, the version built against, saying it loads on demand. */
const char *cs_xml_version(void);

/* Parses a phone configuration under the rules above (loading expat the
 * first time: safe from several threads at once). On failure, err says
 * why in one line ("not well-formed XML: line 3: mismatched tag", "the XML
 * has a DOCTYPE: ...", "the root element is <phone>, not <device>: ..."). */
int cs_xml_parse_config(const uint8_t *xml, size_t len, cs_xml_doc **out, cs_error *err);

/* Frees the document, wiping every block. NULL is fine. */
void cs_xml_free(cs_xml_doc *doc);

/* The root element, <device>. */
const cs_xml_node *cs_xml_root(const cs_xml_doc *doc);

/* The first element called name in document order among node's
 * descendants (node itself excluded); NULL when there is none. */
const cs_xml_node *cs_xml_find(const cs_xml_node *node, const char *name);

/* An element's text (all its descendants' text and CDATA, in order),
 * trimmed of white space at both ends, into out (cut to fit). */
void cs_xml_text(const cs_xml_node *node, char *out, size_t size);

/* Writes node as libxml2's indented output does at nesting level `level`
 * (two spaces a level): elements whose children hold no text go one
 * child a line, empty elements as <name/>. No newline after the node.
 * Sets out->failed when out of memory. */
void cs_xml_write(const cs_xml_node *node, int level, cs_buf *out);

/* Writes s as element text (&amp; &lt; &gt; &#13; escaped). */
void cs_xml_write_text(const char *s, cs_buf *out);

/* For tests: blocks the XML allocator has handed out, and blocks it has
 * wiped and freed, since the program started. After every document is
 * freed the two are equal; a parse that bypassed this module leaves both
 * unchanged. */
void cs_xml_memory_counts(size_t *allocated, size_t *wiped);

#endif
