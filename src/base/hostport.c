/* SPDX-License-Identifier: MIT */
/* Host and port from the command line (hostport.h). */
#include "ciscosec/hostport.h"

#include <stdio.h>
#include <string.h>

int cs_split_host_port(const char *spec, const char *default_port, char *host, size_t host_size,
                       char *port, size_t port_size, cs_error *err)
{
    const char *colon = strrchr(spec, ':');
    const char *h = spec, *p = default_port;
    size_t hlen = strlen(spec);
    if (spec[0] == '[') {
        const char *close_br = strchr(spec, ']');
        if (close_br == NULL || (close_br[1] != '\0' && close_br[1] != ':'))
            return cs_fail(err, CS_ERROR, "'%s': expected [ADDRESS]:PORT", spec);
        h = spec + 1;
        hlen = (size_t)(close_br - h);
        if (close_br[1] == ':')
            p = close_br + 2;
    } else if (colon != NULL && strchr(spec, ':') == colon) {
        hlen = (size_t)(colon - spec);
        p = colon + 1;
    }
    if (hlen >= host_size || strlen(p) >= port_size || *p == '\0')
        return cs_fail(err, CS_ERROR, "'%s': not an address and port", spec);
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    snprintf(port, port_size, "%s", p);
    return CS_OK;
}
