/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE /* malloc_usable_size */
/* Phone configurations as XML (xml.h), read with expat, which the first
 * parse loads (dynlib.h): commands that read no XML never load it. */
#include "ciscosec/xml.h"

#include <ctype.h>
#include <limits.h>
#include <malloc.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>

#include "ciscosec/crypto.h"
#include "ciscosec/dynlib.h"

#define ROOT_NAME "device"
/* libxml2's slow path reads text in pieces of this many characters. */
#define SLOW_PIECE_CHARS 300
/* Deeper than any configuration: a bound on the stack of open elements. */
#define MAX_DEPTH 256

/* --- expat, loaded by the first parse (dynlib.h) ------------------------ */

/* The functions used, each with the very type expat.h declares. */
#define EXPAT_FUNCTIONS(X, T)                                                                      \
    X(T, XML_ParserCreate_MM)                                                                      \
    X(T, XML_ParserFree)                                                                           \
    X(T, XML_SetUserData)                                                                          \
    X(T, XML_SetElementHandler)                                                                    \
    X(T, XML_SetCharacterDataHandler)                                                              \
    X(T, XML_SetCommentHandler)                                                                    \
    X(T, XML_SetProcessingInstructionHandler)                                                      \
    X(T, XML_SetCdataSectionHandler)                                                               \
    X(T, XML_SetStartDoctypeDeclHandler)                                                           \
    X(T, XML_SetEntityDeclHandler)                                                                 \
    X(T, XML_SetParamEntityParsing)                                                                \
    X(T, XML_Parse)                                                                                \
    X(T, XML_StopParser)                                                                           \
    X(T, XML_GetCurrentByteIndex)                                                                  \
    X(T, XML_GetCurrentByteCount)                                                                  \
    X(T, XML_GetCurrentLineNumber)                                                                 \
    X(T, XML_GetErrorCode)                                                                         \
    X(T, XML_ErrorString)                                                                          \
    X(T, XML_ExpatVersionInfo)

/* The soname and the Debian package come from CMakeLists.txt. */
CS_DYNLIB_DEFINE(libexpat, expat, EXPAT_FUNCTIONS, "expat", CISCOSEC_EXPAT_SONAME,
                 CISCOSEC_EXPAT_PACKAGE, "to read XML");

/* --- the wiping allocator ---------------------------------------------- */

static atomic_size_t blocks_allocated, blocks_wiped;

static void *wipe_malloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (p != NULL)
        atomic_fetch_add(&blocks_allocated, 1);
    return p;
}

static void wipe_free(void *p)
{
    if (p == NULL)
        return;
    cs_zeroize(p, malloc_usable_size(p));
    atomic_fetch_add(&blocks_wiped, 1);
    free(p);
}

/* realloc could leave the old block unwiped: move by hand instead. */
static void *wipe_realloc(void *p, size_t size)
{
    if (p == NULL)
        return wipe_malloc(size);
    void *grown = wipe_malloc(size);
    if (grown == NULL)
        return NULL;
    size_t old = malloc_usable_size(p);
    memcpy(grown, p, old < size ? old : size);
    wipe_free(p);
    return grown;
}

static const XML_Memory_Handling_Suite wiping_suite = {wipe_malloc, wipe_realloc, wipe_free};

void cs_xml_memory_counts(size_t *allocated, size_t *wiped)
{
    *allocated = atomic_load(&blocks_allocated);
    *wiped = atomic_load(&blocks_wiped);
}

static char *wipe_strndup(const char *s, size_t n)
{
    char *copy = wipe_malloc(n + 1);
    if (copy != NULL) {
        memcpy(copy, s, n);
        copy[n] = '\0';
    }
    return copy;
}

/* --- the tree ---------------------------------------------------------- */

struct cs_xml_doc {
    cs_xml_node *root;
};

static void free_node(cs_xml_node *n)
{
    while (n != NULL) {
        cs_xml_node *next = n->next;
        free_node(n->children);
        for (size_t i = 0; n->attrs != NULL && n->attrs[i] != NULL; i++)
            wipe_free(n->attrs[i]);
        wipe_free(n->attrs);
        wipe_free(n->name);
        wipe_free(n->text);
        wipe_free(n);
        n = next;
    }
}

void cs_xml_free(cs_xml_doc *doc)
{
    if (doc != NULL) {
        free_node(doc->root);
        wipe_free(doc);
    }
}

const cs_xml_node *cs_xml_root(const cs_xml_doc *doc)
{
    return doc->root;
}

const cs_xml_node *cs_xml_find(const cs_xml_node *node, const char *name)
{
    for (const cs_xml_node *n = node->children; n != NULL; n = n->next) {
        if (n->kind != CS_XML_ELEMENT)
            continue;
        if (strcmp(n->name, name) == 0)
            return n;
        const cs_xml_node *found = cs_xml_find(n, name);
        if (found != NULL)
            return found;
    }
    return NULL;
}

static void gather_text(const cs_xml_node *node, cs_buf *out)
{
    for (const cs_xml_node *n = node->children; n != NULL; n = n->next) {
        if (n->kind == CS_XML_TEXT || n->kind == CS_XML_CDATA)
            cs_buf_append_cstr(out, n->text);
        else if (n->kind == CS_XML_ELEMENT)
            gather_text(n, out);
    }
}

void cs_xml_text(const cs_xml_node *node, char *out, size_t size)
{
    cs_buf all = CS_BUF_INIT;
    all.secret = true;
    gather_text(node, &all);
    const char *s = all.failed || all.len == 0 ? "" : cs_buf_str(&all);
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    snprintf(out, size, "%.*s", (int)(n < size ? n : size - 1), s);
    cs_buf_release(&all);
}

/* --- reading ----------------------------------------------------------- */

/* libxml2's white-space state of an element (ctxt->space): xml:space
 * "default" or "preserve", else none yet, or "keeps all": once it keeps
 * some text that starts with white space, an element keeps all its later
 * white space (see keeps_blanks_after). */
enum space { SPACE_NONE, SPACE_KEEPS_ALL, SPACE_DEFAULT, SPACE_PRESERVE };

typedef struct reader {
    XML_Parser parser;
    cs_xml_doc *doc;
    cs_xml_node *open[MAX_DEPTH]; /* open[depth - 1]: the innermost */
    int depth;
    char *pending; /* character data not yet placed in the tree */
    size_t pending_len, pending_cap;
    XML_Index run_start; /* where it starts in the input */
    const char *input;   /* the document, for the text as written */
    size_t input_len;
    bool ascii_input;            /* UTF-8, ASCII or Latin-1: markup bytes as such */
    enum space space[MAX_DEPTH]; /* each open element's */
    bool in_cdata;
    bool doctype, wrong_root, too_deep, out_of_memory;
} reader;

static void stop(reader *r, bool *why)
{
    *why = true;
    expat.XML_StopParser(r->parser, XML_FALSE);
}

static cs_xml_node *new_node(reader *r, cs_xml_kind kind)
{
    cs_xml_node *n = wipe_malloc(sizeof *n);
    if (n == NULL) {
        stop(r, &r->out_of_memory);
        return NULL;
    }
    memset(n, 0, sizeof *n);
    n->kind = kind;
    return n;
}

static void append_child(cs_xml_node *parent, cs_xml_node *child)
{
    if (parent->last_child != NULL)
        parent->last_child->next = child;
    else
        parent->children = child;
    parent->last_child = child;
}

static bool is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            return false;
    return true;
}

/* libxml2's XML_PARSE_NOBLANKS (areBlanks): white space between elements
 * goes, unless it is all an element holds, or it sits beside text, or
 * the element's space state (xml:space="preserve") says so. */
static bool drop_blank(const reader *r, const cs_xml_node *parent, bool closing)
{
    enum space space = r->space[r->depth - 1];
    if (space == SPACE_PRESERVE || space == SPACE_KEEPS_ALL)
        return false;
    if (closing && parent->children == NULL)
        return false;
    if (parent->last_child != NULL && parent->last_child->kind == CS_XML_TEXT)
        return false;
    return parent->children == NULL || parent->children->kind != CS_XML_TEXT;
}

static void add_text(reader *r, cs_xml_node *parent, const char *text, size_t len)
{
    cs_xml_node *n = new_node(r, CS_XML_TEXT);
    if (n == NULL)
        return;
    n->text = wipe_strndup(text, len);
    if (n->text == NULL) {
        wipe_free(n);
        stop(r, &r->out_of_memory);
        return;
    }
    append_child(parent, n);
}

/* A byte libxml2's fast path reads on with after a CR LF. */
static bool fast_byte(char c)
{
    unsigned char u = (unsigned char)c;
    return (u >= 0x20 && u <= 0x7F) || c == '\t' || c == '\n';
}

static bool blank_byte(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool is_crlf(const char *raw, size_t at, size_t n)
{
    return raw[at] == '\r' && at + 1 < n && raw[at + 1] == '\n';
}

/* libxml2's slow path (xmlParseCharDataComplex), from raw[i]: pieces of
 * 300 characters (a CR LF is one), a white-space piece dropped when the
 * markup or a CR follows it. Returns as raw_dropped. */
static size_t slow_dropped(const reader *r, const cs_xml_node *parent, bool closing,
                           const char *raw, size_t i, size_t n)
{
    for (;;) {
        size_t j = i, chars = 0;
        bool blank = true;
        for (; j < n && chars < SLOW_PIECE_CHARS; chars++) {
            blank = blank && blank_byte(raw[j]);
            j += is_crlf(raw, j, n) ? 2 : 1;
        }
        if (!blank)
            return i;
        if (j == n)
            return drop_blank(r, parent, closing) ? n : i;
        if (raw[j] != '\r' || !drop_blank(r, parent, false))
            return i;
        i = j;
    }
}

/* libxml2 reads text in pieces that end at each CR LF and drops a piece
 * of white space on its own (areBlanks; a piece before a CR LF is never
 * "all the element holds"). Once a piece is kept, the rest joins it as
 * text. So what it drops is a prefix of white space: returns how many
 * bytes of the raw text `raw` (n bytes) go, or n when all of it does. */
static size_t raw_dropped(const reader *r, const cs_xml_node *parent, bool closing, const char *raw,
                          size_t n)
{
    size_t i = 0;
    for (;;) {
        size_t j = i;
        while (j < n && blank_byte(raw[j]) && raw[j] != '\r')
            j++;
        if (j == n) /* white space up to the next markup */
            return drop_blank(r, parent, closing) ? n : i;
        if (raw[j] != '\r' || (j > i && !drop_blank(r, parent, false)))
            return i; /* text, or a piece kept */
        bool crlf = is_crlf(raw, j, n);
        i = crlf ? j + 1 : j;
        /* A lone CR, or a byte the fast path stops at: the slow path. */
        if (!crlf || (j + 2 < n && !fast_byte(raw[j + 2])))
            return slow_dropped(r, parent, closing, raw, i, n);
    }
}

/* Whether libxml2 keeps all later white space in the element once it has
 * kept the raw text `raw` (n bytes): it does after a piece that starts
 * with white space (the text's start, after a CR LF or a reference) or
 * one read by its slow path (a byte past ASCII, a CR). */
static bool keeps_blanks_after(const char *raw, size_t n)
{
    if (n > 0 && blank_byte(raw[0]))
        return true;
    for (size_t k = 0; k < n; k++) {
        if ((unsigned char)raw[k] >= 0x80 || raw[k] == '\r')
            return true;
        if (raw[k] == ';' && k + 1 < n && blank_byte(raw[k + 1]) && memchr(raw, '&', k) != NULL)
            return true;
    }
    return false;
}

/* Places the pending character data in the tree, before the next event
 * (closing: that event ends the innermost element). */
static void flush_text(reader *r, bool closing)
{
    size_t len = r->pending_len;
    r->pending_len = 0;
    if (len == 0 || r->depth == 0)
        return;
    cs_xml_node *parent = r->open[r->depth - 1];
    XML_Index end = expat.XML_GetCurrentByteIndex(r->parser);
    size_t skip = 0;
    if (r->ascii_input && r->run_start >= 0 && end >= r->run_start && (size_t)end <= r->input_len) {
        const char *raw = r->input + r->run_start;
        size_t n = (size_t)(end - r->run_start);
        size_t dropped = raw_dropped(r, parent, closing, raw, n);
        if (dropped == n)
            return;
        if (r->space[r->depth - 1] == SPACE_NONE && keeps_blanks_after(raw + dropped, n - dropped))
            r->space[r->depth - 1] = SPACE_KEEPS_ALL;
        /* In the text, a CR LF is one LF, and so is a lone CR. */
        for (size_t k = 0; k < dropped; k++)
            skip += !is_crlf(raw, k, n);
    } else if (is_blank(r->pending, len) && drop_blank(r, parent, closing)) {
        return;
    }
    if (skip < len)
        add_text(r, parent, r->pending + skip, len - skip);
}

static void XMLCALL on_text(void *data, const XML_Char *s, int len)
{
    reader *r = data;
    size_t n = (size_t)len;
    if (r->pending_len == 0)
        r->run_start = expat.XML_GetCurrentByteIndex(r->parser);
    if (r->pending_len + n + 1 > r->pending_cap) {
        size_t cap = r->pending_cap ? r->pending_cap : 256;
        while (cap < r->pending_len + n + 1)
            cap *= 2;
        char *grown = wipe_realloc(r->pending, cap);
        if (grown == NULL) {
            stop(r, &r->out_of_memory);
            return;
        }
        r->pending = grown;
        r->pending_cap = cap;
    }
    memcpy(r->pending + r->pending_len, s, n);
    r->pending_len += n;
}

static char **copy_attrs(const XML_Char **atts)
{
    size_t count = 0;
    while (atts[count] != NULL)
        count++;
    char **copy = wipe_malloc((count + 1) * sizeof *copy);
    if (copy == NULL)
        return NULL;
    memset(copy, 0, (count + 1) * sizeof *copy);
    for (size_t i = 0; i < count; i++) {
        copy[i] = wipe_strndup(atts[i], strlen(atts[i]));
        if (copy[i] == NULL) {
            for (size_t j = 0; j < i; j++)
                wipe_free(copy[j]);
            wipe_free(copy);
            return NULL;
        }
    }
    return copy;
}

/* An element's space state: its xml:space, else its parent's, but for
 * "keeps all", which is the parent's own. */
static enum space element_space(char *const *attrs, const reader *r)
{
    for (size_t i = 0; attrs[i] != NULL; i += 2) {
        if (strcmp(attrs[i], "xml:space") != 0)
            continue;
        if (strcmp(attrs[i + 1], "preserve") == 0)
            return SPACE_PRESERVE;
        if (strcmp(attrs[i + 1], "default") == 0)
            return SPACE_DEFAULT;
    }
    enum space parent = r->depth > 0 ? r->space[r->depth - 1] : SPACE_NONE;
    return parent == SPACE_KEEPS_ALL ? SPACE_NONE : parent;
}

static void XMLCALL on_start(void *data, const XML_Char *name, const XML_Char **atts)
{
    reader *r = data;
    flush_text(r, false);
    if (r->depth == 0 && strcmp(name, ROOT_NAME) != 0) {
        /* The name, for the message: in the root's slot, never freed twice. */
        r->doc->root = new_node(r, CS_XML_ELEMENT);
        if (r->doc->root != NULL)
            r->doc->root->name = wipe_strndup(name, strlen(name));
        stop(r, &r->wrong_root);
        return;
    }
    if (r->depth == MAX_DEPTH) {
        stop(r, &r->too_deep);
        return;
    }
    cs_xml_node *n = new_node(r, CS_XML_ELEMENT);
    if (n == NULL)
        return;
    n->name = wipe_strndup(name, strlen(name));
    n->attrs = copy_attrs(atts);
    if (n->name == NULL || n->attrs == NULL) {
        free_node(n);
        stop(r, &r->out_of_memory);
        return;
    }
    if (r->depth == 0)
        r->doc->root = n;
    else
        append_child(r->open[r->depth - 1], n);
    r->space[r->depth] = element_space(n->attrs, r);
    r->open[r->depth++] = n;
}

static void XMLCALL on_end(void *data, const XML_Char *name)
{
    reader *r = data;
    (void)name;
    flush_text(r, true);
    if (r->depth > 0)
        r->depth--;
}

/* Comments, PIs and CDATA inside the root; those around it are dropped. */
static void add_leaf(reader *r, cs_xml_kind kind, const char *name, const char *text,
                     size_t text_len)
{
    if (r->depth == 0)
        return;
    cs_xml_node *n = new_node(r, kind);
    if (n == NULL)
        return;
    n->name = name != NULL ? wipe_strndup(name, strlen(name)) : NULL;
    n->text = text != NULL ? wipe_strndup(text, text_len) : NULL;
    if ((name != NULL && n->name == NULL) || (text != NULL && n->text == NULL)) {
        free_node(n);
        stop(r, &r->out_of_memory);
        return;
    }
    append_child(r->open[r->depth - 1], n);
}

static void XMLCALL on_comment(void *data, const XML_Char *text)
{
    reader *r = data;
    flush_text(r, false);
    add_leaf(r, CS_XML_COMMENT, NULL, text, strlen(text));
}

static void XMLCALL on_pi(void *data, const XML_Char *target, const XML_Char *text)
{
    reader *r = data;
    flush_text(r, false);
    /* libxml2 tells <?pi?> (no data) from <?pi ?> (empty data): so do we,
     * by the length of the markup. */
    size_t bare = strlen(target) + 4; /* <? and ?> */
    bool has_data = (size_t)expat.XML_GetCurrentByteCount(r->parser) > bare;
    add_leaf(r, CS_XML_PI, target, has_data ? text : NULL, strlen(text));
}

static void XMLCALL on_cdata_start(void *data)
{
    reader *r = data;
    flush_text(r, false);
    r->in_cdata = true;
}

/* Appends text to a node's, as libxml2 joins adjacent CDATA sections. */
static void extend_text(reader *r, cs_xml_node *n, const char *text, size_t len)
{
    if (len == 0)
        return;
    size_t had = strlen(n->text);
    char *joined = wipe_realloc(n->text, had + len + 1);
    if (joined == NULL) {
        stop(r, &r->out_of_memory);
        return;
    }
    memcpy(joined + had, text, len);
    joined[had + len] = '\0';
    n->text = joined;
}

/* A section's text joins the CDATA just before it, as in libxml2. */
static void XMLCALL on_cdata_end(void *data)
{
    reader *r = data;
    size_t len = r->pending_len;
    r->pending_len = 0;
    r->in_cdata = false;
    if (r->depth == 0)
        return;
    cs_xml_node *last = r->open[r->depth - 1]->last_child;
    if (last != NULL && last->kind == CS_XML_CDATA)
        extend_text(r, last, r->pending, len);
    else
        add_leaf(r, CS_XML_CDATA, NULL, r->pending != NULL ? r->pending : "", len);
}

static void XMLCALL on_doctype(void *data, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal_subset)
{
    (void)name;
    (void)sysid;
    (void)pubid;
    (void)has_internal_subset;
    reader *r = data;
    stop(r, &r->doctype);
}

/* An entity declaration can only come in a DOCTYPE, which is refused
 * before; refused here as well, should a DTD ever get this far. */
static void XMLCALL on_entity_decl(void *data, const XML_Char *name, int is_parameter,
                                   const XML_Char *value, int value_length, const XML_Char *base,
                                   const XML_Char *sysid, const XML_Char *pubid,
                                   const XML_Char *notation)
{
    (void)name;
    (void)is_parameter;
    (void)value;
    (void)value_length;
    (void)base;
    (void)sysid;
    (void)pubid;
    (void)notation;
    reader *r = data;
    stop(r, &r->doctype);
}

static XML_Parser new_parser(reader *r)
{
    XML_Parser p = expat.XML_ParserCreate_MM(NULL, &wiping_suite, NULL);
    if (p == NULL)
        return NULL;
    expat.XML_SetUserData(p, r);
    expat.XML_SetElementHandler(p, on_start, on_end);
    expat.XML_SetCharacterDataHandler(p, on_text);
    expat.XML_SetCommentHandler(p, on_comment);
    expat.XML_SetProcessingInstructionHandler(p, on_pi);
    expat.XML_SetCdataSectionHandler(p, on_cdata_start, on_cdata_end);
    expat.XML_SetStartDoctypeDeclHandler(p, on_doctype);
    expat.XML_SetEntityDeclHandler(p, on_entity_decl);
    expat.XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
    return p;
}

static int parse_failure(const reader *r, cs_error *err)
{
    if (r->out_of_memory)
        return cs_fail(err, CS_ERROR, "out of memory");
    if (r->doctype)
        return cs_fail(err, CS_ERROR,
                       "the XML has a DOCTYPE: phone configurations have none, and entity "
                       "declarations are refused for safety");
    if (r->wrong_root)
        return cs_fail(
            err, CS_ERROR, "the root element is <%.64s>, not <device>: not a phone configuration",
            r->doc->root != NULL && r->doc->root->name != NULL ? r->doc->root->name : "?");
    if (r->too_deep)
        return cs_fail(err, CS_ERROR, "elements nested deeper than %d levels", MAX_DEPTH);
    return cs_fail(err, CS_ERROR, "not well-formed XML: line %lu: %s",
                   (unsigned long)expat.XML_GetCurrentLineNumber(r->parser),
                   expat.XML_ErrorString(expat.XML_GetErrorCode(r->parser)));
}

int cs_xml_parse_config(const uint8_t *xml, size_t len, cs_xml_doc **out, cs_error *err)
{
    *out = NULL;
    if (len > INT_MAX)
        return cs_fail(err, CS_ERROR, "the configuration is too large");
    int loaded = cs_dynlib_load(&libexpat, err);
    if (loaded != CS_OK)
        return loaded;
    reader *r = wipe_malloc(sizeof *r);
    if (r == NULL)
        return cs_fail(err, CS_ERROR, "out of memory");
    memset(r, 0, sizeof *r);
    r->input = (const char *)xml;
    r->input_len = len;
    r->ascii_input =
        !(len >= 2 && (xml[0] == 0 || xml[1] == 0 || xml[0] == 0xFE || xml[0] == 0xFF));
    r->doc = wipe_malloc(sizeof *r->doc);
    r->parser = r->doc != NULL ? new_parser(r) : NULL;
    int rc = CS_OK;
    if (r->parser == NULL) {
        rc = cs_fail(err, CS_ERROR, "out of memory");
    } else {
        r->doc->root = NULL;
        if (expat.XML_Parse(r->parser, (const char *)xml, (int)len, XML_TRUE) != XML_STATUS_OK)
            rc = parse_failure(r, err);
        else if (r->doc->root == NULL) /* expat refuses this first: kept for safety */
            rc = cs_fail(err, CS_ERROR, "the XML has no root element");
    }
    if (r->parser != NULL)
        expat.XML_ParserFree(r->parser);
    wipe_free(r->pending);
    if (rc == CS_OK)
        *out = r->doc;
    else
        cs_xml_free(r->doc);
    wipe_free(r);
    return rc;
}

/* Once: the version is the library's, which is loaded for good. */
static char loaded_version[32];
static pthread_once_t loaded_version_once = PTHREAD_ONCE_INIT;

static void format_loaded_version(void)
{
    XML_Expat_Version v = expat.XML_ExpatVersionInfo();
    snprintf(loaded_version, sizeof loaded_version, "expat %d.%d.%d", v.major, v.minor, v.micro);
}

#define STRINGIFY(x) #x
#define VERSION_STRING(major, minor, micro)                                                        \
    STRINGIFY(major) "." STRINGIFY(minor) "." STRINGIFY(micro)

const char *cs_xml_version(void)
{
    if (!cs_dynlib_loaded(&libexpat))
        return "expat " VERSION_STRING(XML_MAJOR_VERSION, XML_MINOR_VERSION,
                                       XML_MICRO_VERSION) " (built against; loaded on demand)";
    pthread_once(&loaded_version_once, format_loaded_version);
    return loaded_version;
}
