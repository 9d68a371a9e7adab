/* SPDX-License-Identifier: MIT */
/* The roles a certificate holds in a trust list (formats.md §3), and in a
 * TVS answer (services.md): one fact for the trust lists, the commands
 * and the services. */
#ifndef CISCOSEC_ROLES_H
#define CISCOSEC_ROLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum cs_role {
    CS_ROLE_SAST = 0,
    CS_ROLE_CCM = 1,
    CS_ROLE_CCM_TFTP = 2,
    CS_ROLE_TFTP = 3,
    CS_ROLE_CAPF = 4,
    CS_ROLE_APP_SERVER = 7,
    CS_ROLE_TVS = 21
};

/* "SAST", "CCM+TFTP", ...; NULL for a role this program does not know. */
const char *cs_role_name(uint16_t role);
/* Parses a role name in any case ("ccm+tftp", "app-server"). */
bool cs_role_parse(const char *name, uint16_t *role);
/* The roles this program knows (i below cs_role_count), in formats.md's
 * order. Every role takes an RSA key; cs_role_takes_ec says which also
 * take an EC key (CCM, TFTP, APP-SERVER). */
size_t cs_role_count(void);
uint16_t cs_role_at(size_t i);
bool cs_role_takes_ec(uint16_t role);

#endif
