/* SPDX-License-Identifier: MIT */
/* TCP connections with a time limit (tcp.h). */
#include "ciscosec/tcp.h"

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

int cs_tcp_connect(const char *host, const char *port, unsigned timeout_ms, int *fd_out,
                   char *address, size_t size, cs_error *err)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res;
    int gai = getaddrinfo(host, port, &hints, &res);
    if (gai != 0)
        return cs_fail(err, CS_ERROR, "cannot resolve '%s' port '%s': %s", host, port,
                       gai_strerror(gai));
    int fd = -1, saved = 0;
    for (const struct addrinfo *ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
        fd = connect_one(ai, timeout_ms);
        saved = errno;
        if (fd >= 0 && getnameinfo(ai->ai_addr, ai->ai_addrlen, address, (socklen_t)size, NULL, 0,
                                   NI_NUMERICHOST) != 0)
            snprintf(address, size, "%s", host);
    }
    freeaddrinfo(res);
    if (fd < 0)
        return cs_fail(err, CS_INVALID, "cannot connect to %s port %s: %s", host, port,
                       strerror(saved));
    *fd_out = fd;
    return CS_OK;
}
