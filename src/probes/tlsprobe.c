/* The TLS client of `verify tls` (tlsprobe.h): a TCP connection with a
 * time limit, then the handshake of tls.h. */
#include "ciscosec/tlsprobe.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* --- the TCP connection ------------------------------------------------ */

static int set_blocking(int fd, bool blocking)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0)
        return -1;
    flags = blocking ? flags & ~O_NONBLOCK : flags | O_NONBLOCK;
    return fcntl(fd, F_SETFL, flags);
}

/* connect() with a time limit: non-blocking, then poll. Returns the
 * connected (blocking) socket, or -1 with errno set. */
static int connect_one(const struct addrinfo *ai, unsigned timeout_ms)
{
    int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0)
        return -1;
    (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
    int rc = set_blocking(fd, false);
    if (rc == 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        rc = -1;
        if (errno == EINPROGRESS) {
            struct pollfd p = {.fd = fd, .events = POLLOUT};
            int n = poll(&p, 1, timeout_ms > INT32_MAX ? -1 : (int)timeout_ms);
            int so_error = 0;
            socklen_t len = sizeof so_error;
            if (n == 0)
                errno = ETIMEDOUT;
            else if (n > 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len) == 0)
                errno = so_error;
            rc = n > 0 && so_error == 0 ? 0 : -1;
        }
    }
    if (rc == 0)
        rc = set_blocking(fd, true);
    if (rc != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

static int connect_tcp(const cs_tls_target *t, int *fd_out, char *address, size_t size,
                       cs_error *err)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res;
    int gai = getaddrinfo(t->host, t->port, &hints, &res);
    if (gai != 0)
        return cs_fail(err, CS_ERROR, "cannot resolve '%s' port '%s': %s", t->host, t->port,
                       gai_strerror(gai));
    int fd = -1, saved = 0;
    for (const struct addrinfo *ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
        fd = connect_one(ai, t->timeout_ms);
        saved = errno;
        if (fd >= 0 && getnameinfo(ai->ai_addr, ai->ai_addrlen, address, (socklen_t)size, NULL, 0,
                                   NI_NUMERICHOST) != 0)
            snprintf(address, size, "%s", t->host);
    }
    freeaddrinfo(res);
    if (fd < 0)
        return cs_fail(err, CS_INVALID, "cannot connect to %s port %s: %s", t->host, t->port,
                       strerror(saved));
    *fd_out = fd;
    return CS_OK;
}

int cs_tls_probe(const cs_tls_target *target, cs_tls_result *out, cs_error *err)
{
    *out = (cs_tls_result){.peer_cert = CS_BUF_INIT};
    /* Set up first, so that a local failure is not reported as the
     * server's. */
    cs_tls_client *client;
    int rc = cs_tls_client_new(&client, target->servername, target->timeout_ms, err);
    if (rc != CS_OK)
        return rc;
    int fd = -1;
    rc = connect_tcp(target, &fd, out->address, sizeof out->address, err);
    if (rc == CS_OK)
        rc = cs_tls_client_handshake(client, fd, out, err);
    if (fd >= 0)
        close(fd);
    cs_tls_client_free(client);
    if (rc != CS_OK)
        cs_tls_result_release(out);
    return rc;
}
