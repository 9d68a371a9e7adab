/* SPDX-License-Identifier: MIT */
/* The TLS probe of `verify tls` (tlsprobe.h): a TCP connection with a
 * time limit (tcp.h), crypto's handshake over it (tlshandshake.h), and
 * the report of what the server showed. */
#include "ciscosec/tlsprobe.h"

#include "ciscosec/tcp.h"

static int connect_and_collect(const cs_tls_target *target, cs_tls_handshake *h, cs_tls_result *out,
                               cs_error *err)
{
    int fd = -1;
    int rc = cs_tcp_connect(target->host, target->port, target->timeout_ms, &fd, out->address,
                            sizeof out->address, err);
    if (rc != CS_OK)
        return rc;
    if ((rc = cs_tls_handshake_run(h, fd, err)) != CS_OK)
        return rc;
    cs_tls_peer peer = {.cert = &out->peer_cert,
                        .chain = &out->peer_chain,
                        .version = out->version,
                        .version_size = sizeof out->version,
                        .ciphersuite = out->ciphersuite,
                        .ciphersuite_size = sizeof out->ciphersuite};
    return cs_tls_handshake_peer(h, &peer, err);
}

int cs_tls_probe(const cs_tls_target *target, cs_tls_result *out, cs_error *err)
{
    *out = (cs_tls_result){.peer_cert = CS_BUF_INIT};
    cs_tls_handshake_options opts = {.servername = target->servername,
                                     .timeout_ms = target->timeout_ms,
                                     .client_cert = target->client_cert,
                                     .client_key = target->client_key};
    cs_tls_handshake *h = NULL;
    int rc = cs_tls_handshake_new(&opts, &h, err);
    if (rc != CS_OK)
        return rc;
    rc = connect_and_collect(target, h, out, err);
    cs_tls_demand demand = cs_tls_handshake_demand(h);
    cs_tls_handshake_free(h);
    if (rc != CS_OK)
        cs_tls_result_release(out);
    out->client_cert_demand = demand;
    return rc;
}

void cs_tls_result_release(cs_tls_result *r)
{
    cs_buf_release(&r->peer_cert);
    cs_cert_free(r->peer_chain);
    r->peer_chain = NULL;
}
