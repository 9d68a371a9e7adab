/* SPDX-License-Identifier: MIT */
#include "ciscosec/roles.h"

#include <strings.h>

/* The roles, their names, and whether phones use an EC key in them:
 * TFTP for HTTPS provisioning (1.1 lists), CCM for TLS, APP-SERVER. */
static const struct {
    uint16_t role;
    const char *name;
    bool ec;
} roles[] = {
    {CS_ROLE_SAST, "SAST", false},         {CS_ROLE_CCM, "CCM", true},
    {CS_ROLE_CCM_TFTP, "CCM+TFTP", false}, {CS_ROLE_TFTP, "TFTP", true},
    {CS_ROLE_CAPF, "CAPF", false},         {CS_ROLE_APP_SERVER, "APP-SERVER", true},
    {CS_ROLE_TVS, "TVS", false},
};
#define N_ROLES (sizeof roles / sizeof roles[0])

size_t cs_role_count(void)
{
    return N_ROLES;
}

uint16_t cs_role_at(size_t i)
{
    return roles[i].role;
}

bool cs_role_takes_ec(uint16_t role)
{
    for (size_t i = 0; i < N_ROLES; i++)
        if (roles[i].role == role)
            return roles[i].ec;
    return false;
}

const char *cs_role_name(uint16_t role)
{
    for (size_t i = 0; i < N_ROLES; i++)
        if (roles[i].role == role)
            return roles[i].name;
    return NULL;
}

bool cs_role_parse(const char *name, uint16_t *role)
{
    for (size_t i = 0; i < N_ROLES; i++) {
        if (strcasecmp(roles[i].name, name) == 0) {
            *role = roles[i].role;
            return true;
        }
    }
    return false;
}
